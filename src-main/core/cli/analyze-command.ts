/**
 * `affect analyze <clip…> --participant CODE`: each clip becomes a session of an existing participant whose consent
 * covers analysis and research use, is imported (copied) into the data folder, analysed offline, and its two CSVs
 * are written to --out. One result
 * line per clip on stdout (tab-separated); messages and progress on stderr. Every step is a request over the
 * contract (the in-process client), so it is checked and audited exactly as the same step in the app.
 */
import path from 'node:path';
import type { AnalysisProgress } from '../../../src-shared/analysis.js';
import type { ContractClient } from '../../../src-shared/client/contract-client.js';
import { uploadClipSource } from '../../../src-shared/client/upload-clip.js';
import { ApiError } from '../../../src-shared/errors.js';
import { type ConsentScope, consentRefusal, missingScopes } from '../../../src-shared/governance.js';
import { checkImportable } from '../media/import-media.js';
import { openClipFile } from './clip-file.js';
import { EXIT } from './exit-codes.js';
import { ct, systemLocale } from './cli-language.js';
import { localizeNotes, type Note } from '../../../src-shared/i18n/notes.js';

/** A core note on stderr in the system's language (the result lines on stdout stay in English). */
const said = (n: Note | undefined, english: string): string => (n ? localizeNotes(systemLocale(), [n]) : null) ?? english;

export interface AnalyzeOptions {
  clips: string[];
  outDir: string;
  /** An existing participant's code: analyze never creates participants (their consent comes first). */
  participant: string;
  bom: boolean;
  /** Face mesh, head pose, blinks and AUs (default on). */
  mesh?: boolean;
  /** Keep the mesh points and export them as timeline columns. */
  landmarks?: boolean;
  /** Replace CSV files of the same name in outDir (default: new ones get a free -N name). */
  overwrite?: boolean;
  /** Write progress lines to stderr. */
  progress: boolean;
  /** Models (manifest ids) instead of their task's default (--model). */
  models?: string[];
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** Analysing and writing the CSVs needs consent to automated analysis and to research use of exported data. */
const NEEDED: readonly ConsentScope[] = ['analysis', 'research'];

/** The participant's id, or why the clips cannot be analysed for them (no such participant, missing consent). */
async function participantFor(api: ContractClient, code: string): Promise<{ id: number } | { refused: string }> {
  const p = (await api.call('participants.list', {})).find((x) => x.code.toLowerCase() === code.toLowerCase());
  if (!p) return { refused: `there is no participant ${code}; add one with its consent first (affect participants add ${code} --consent …)` };
  const missing = missingScopes(p.consent, NEEDED);
  return missing.length ? { refused: consentRefusal(p.code, p.consent, missing, 'analyse clips') } : { id: p.id };
}

/** Imports one clip file into a session through the upload requests; the outcome's message says why not. */
export async function importClip(
  api: ContractClient,
  sessionId: number,
  file: string,
): Promise<{ ok: true; mediaFileId: number; copy?: { media: { fileName: string }; reason: string; reasonNote?: Note }; warning?: string } | { ok: false; message: string }> {
  const opened = await openClipFile(file);
  if (!('source' in opened)) return { ok: false, message: opened.message };
  try {
    const outcome = await uploadClipSource(api.call.bind(api), sessionId, opened.source);
    return outcome.ok ? { ok: true, mediaFileId: outcome.media.id, copy: outcome.playableCopy, warning: outcome.warning } : { ok: false, message: outcome.message };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, message: e.message };
    throw e;
  } finally {
    await opened.close();
  }
}

export async function analyzeClips(api: ContractClient, o: AnalyzeOptions, io: Io, interrupted: { requested: boolean; onRequest?: () => void }): Promise<number> {
  const participant = await participantFor(api, o.participant);
  if ('refused' in participant) {
    io.err(`affect: ${participant.refused}`);
    return EXIT.failed;
  }
  const pid = participant.id;
  let failures = 0;
  let lastLine = 0;
  // Runs end with a progress event whose status is no longer 'running'; kept by run id, since a run may end
  // before its waiter is set.
  const ended = new Map<number, AnalysisProgress>();
  const waiters = new Map<number, (p: AnalysisProgress) => void>();
  const unsubscribe = api.on('analysis.progress', (p) => {
    if (p.status !== 'running') {
      ended.set(p.runId, p);
      waiters.get(p.runId)?.(p);
    }
    if (!o.progress) return;
    const now = Date.now();
    if (p.status === 'running' && now - lastLine < 2000) return;
    lastLine = now;
    const fps = p.framesPerSec === null ? '' : ct('cli.analyze.fps', { fps: p.framesPerSec.toFixed(0) });
    const eta = p.etaMs === null ? '' : ct('cli.analyze.eta', { seconds: Math.ceil(p.etaMs / 1000) });
    io.err(ct('cli.analyze.progress', { runId: p.runId, stage: p.stage, percent: `${p.percent.toFixed(0)}%`, fps, eta }));
  });
  const runEnded = (runId: number): Promise<unknown> => (ended.has(runId) ? Promise.resolve() : new Promise((resolve) => waiters.set(runId, resolve)));
  try {
    for (const clip of o.clips) {
      if (interrupted.requested) break;
      const abs = path.resolve(clip);
      // A clip that cannot be imported leaves nothing behind: it is checked before its session exists.
      const checked = await checkImportable(abs);
      if (!checked.ok) {
        failures++;
        io.err(`affect: ${said(checked.note, checked.message)}`);
        io.out(['failed', clip, '', '', '', '', checked.message].join('\t'));
        continue;
      }
      if (checked.warning) io.err(`affect: ${ct('cli.warning', { message: said(checked.warningNote, checked.warning) })}`);
      // The clip's name is kept nowhere (no note, no file name): names and birth dates travel in file names.
      const session = await api.call('sessions.create', { participantId: pid, protocol: 'import' });
      const imported = await importClip(api, session.id, abs);
      if (!imported.ok) {
        failures++;
        io.err(`affect: ${imported.message}`);
        io.out(['failed', clip, session.id, '', '', '', imported.message].join('\t'));
        continue;
      }
      if (imported.copy) io.err(ct('cli.analyze.playableCopy', { clip, reason: said(imported.copy.reasonNote, imported.copy.reason), file: imported.copy.media.fileName }));
      if (imported.warning && imported.warning !== checked.warning) io.err(`affect: ${ct('cli.warning', { message: imported.warning })}`);
      io.err(ct('cli.analyze.analysing', { clip, id: session.id }));
      const geometry = { mesh: o.mesh ?? true, keepLandmarks: (o.mesh ?? true) && (o.landmarks ?? false) };
      const run = await api.call('analysis.start', { sessionId: session.id, mediaFileId: imported.mediaFileId, params: { geometry, ...(o.models?.length ? { models: o.models } : {}) } });
      interrupted.onRequest = () => void api.call('analysis.cancel', { runId: run.id }).catch(() => undefined);
      await runEnded(run.id);
      interrupted.onRequest = undefined;
      const done = await api.call('analysis.get', { runId: run.id });
      if (done.status !== 'complete') {
        failures++;
        const why = done.error ?? done.status;
        io.err(`affect: ${ct('cli.analyze.runFailed', { clip, runId: run.id, status: done.status, why })}`);
        io.out(['failed', clip, session.id, run.id, '', '', why].join('\t'));
        continue;
      }
      const [exp] = (await api.call('export.sessions', { sessionIds: [session.id], runId: run.id, outDir: o.outDir, bom: o.bom, overwrite: o.overwrite, landmarks: geometry.keepLandmarks })).sessions;
      io.out(['ok', clip, session.id, run.id, exp.timeline, exp.summary, ''].join('\t'));
    }
  } finally {
    unsubscribe();
  }
  if (interrupted.requested) return EXIT.interrupted;
  return failures ? EXIT.failed : EXIT.ok;
}
