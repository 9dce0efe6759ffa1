/**
 * `affect analyze <clip…> --participant CODE`: each clip becomes a session of an existing participant whose consent
 * covers analysis and research use, is imported (copied) into the data folder, analysed offline, and its two CSVs
 * are written to --out. One result line per clip on stdout (tab-separated); messages and progress on stderr.
 */
import path from 'node:path';
import type { AnalysisProgress } from '../../../src-shared/analysis.js';
import { ApiError } from '../../../src-shared/errors.js';
import { type ConsentScope, consentRefusal, missingScopes } from '../../../src-shared/governance.js';
import { importMediaFiles } from '../media/import-media.js';
import { importConsent } from '../governance/consent-check.js';
import type { CoreClient } from './core-client.js';
import { EXIT } from './exit-codes.js';

export interface AnalyzeOptions {
  clips: string[];
  outDir: string;
  /** An existing participant's code: analyze never creates participants (consent comes first). */
  participant: string;
  bom: boolean;
  /** Write progress lines to stderr. */
  progress: boolean;
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** Analysing and writing the CSVs needs consent to automated analysis and to research use of exported data. */
const NEEDED: readonly ConsentScope[] = ['analysis', 'research'];

export async function analyzeClips(c: CoreClient, o: AnalyzeOptions, io: Io, interrupted: { requested: boolean; onRequest?: () => void }): Promise<number> {
  const core = c.core;
  const participant = (await c.call('participants.list', {})).find((p) => p.code.toLowerCase() === o.participant.toLowerCase());
  if (!participant) {
    io.err(`affect: there is no participant ${o.participant}; add one with its consent first (affect participants add ${o.participant} --consent …)`);
    return EXIT.failed;
  }
  const missing = missingScopes(participant.consent, NEEDED);
  if (missing.length) {
    io.err(`affect: ${consentRefusal(participant.code, participant.consent, missing, 'analyse clips')}`);
    return EXIT.failed;
  }
  const { analysis, sessions, db, dataDir, participants } = core.services;
  let failures = 0;
  let lastLine = 0;
  const unsubscribe = core.services.events.subscribe((name, payload) => {
    if (!o.progress || name !== 'analysis.progress') return;
    const p = payload as AnalysisProgress;
    const now = Date.now();
    if (p.status === 'running' && now - lastLine < 2000) return;
    lastLine = now;
    const fps = p.framesPerSec === null ? '' : `, ${p.framesPerSec.toFixed(0)} frames/s`;
    const eta = p.etaMs === null ? '' : `, ${Math.ceil(p.etaMs / 1000)} s left`;
    io.err(`  run ${p.runId}: ${p.stage} ${p.percent.toFixed(0)}%${fps}${eta}`);
  });
  try {
    for (const clip of o.clips) {
      if (interrupted.requested) break;
      const abs = path.resolve(clip);
      // The clip's name is not kept: no note, no file name (names and birth dates travel in file names).
      const session = await c.call('sessions.create', { participantId: participant.id, protocol: 'import' });
      const [imported] = await importMediaFiles({ db, dataDir, sessions, consent: importConsent(participants, sessions) }, session.id, [abs], { operatorId: c.ctx.operatorId ?? null });
      if (!imported.ok) {
        failures++;
        io.err(`affect: ${imported.message}`);
        io.out(['failed', clip, session.id, '', '', '', imported.message].join('\t'));
        continue;
      }
      io.err(`${clip}: session ${session.id}, analysing…`);
      let run;
      try {
        run = await c.call('analysis.start', { sessionId: session.id, mediaFileId: imported.media.id });
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        failures++;
        io.out(['failed', clip, session.id, '', '', '', e.message].join('\t'));
        continue;
      }
      const runId = run.id;
      interrupted.onRequest = () => analysis.runner.cancel(runId);
      const done = await analysis.runner.whenDone(run.id);
      interrupted.onRequest = undefined;
      if (done.status !== 'complete') {
        failures++;
        const why = done.error ?? done.status;
        io.err(`affect: ${clip}: analysis run ${run.id} ${done.status}: ${why}`);
        io.out(['failed', clip, session.id, run.id, '', '', why].join('\t'));
        continue;
      }
      const exp = await c.call('export.sessions', { sessionIds: [session.id], runId: run.id, outDir: o.outDir, bom: o.bom });
      const [one] = exp.sessions;
      io.out(['ok', clip, session.id, run.id, one.timeline, one.summary, ''].join('\t'));
    }
  } finally {
    unsubscribe();
  }
  if (interrupted.requested) return EXIT.interrupted;
  return failures ? EXIT.failed : EXIT.ok;
}
