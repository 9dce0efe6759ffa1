/**
 * `affect analyze <clip…>`: each clip becomes a session of one participant (default code "imports"), is
 * imported (copied) into the data folder, analysed offline, and its two CSVs are written to --out. One result
 * line per clip on stdout (tab-separated); messages and progress on stderr.
 */
import path from 'node:path';
import type { AnalysisProgress } from '../../../src-shared/analysis.js';
import { participantCodeSchema } from '../../../src-shared/domain.js';
import type { AppCore } from '../app-core.js';
import { exportSession } from '../export/session-export.js';
import { importMediaFiles } from '../media/import-media.js';
import { EXIT } from './exit-codes.js';

export interface AnalyzeOptions {
  clips: string[];
  outDir: string;
  participant: string;
  bom: boolean;
  /** Face mesh, head pose, blinks and AUs (default on). */
  mesh?: boolean;
  /** Keep the mesh points and export them as timeline columns. */
  landmarks?: boolean;
  /** Write progress lines to stderr. */
  progress: boolean;
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

function participantId(core: AppCore, code: string): number {
  const existing = core.services.participants.list().find((p) => p.code.toLowerCase() === code.toLowerCase());
  return existing ? existing.id : core.services.participants.create(code).id;
}

export async function analyzeClips(core: AppCore, o: AnalyzeOptions, io: Io, interrupted: { requested: boolean; onRequest?: () => void }): Promise<number> {
  const code = participantCodeSchema.parse(o.participant);
  const pid = participantId(core, code);
  const { analysis, sessions, db, dataDir } = core.services;
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
      const session = sessions.create({ participantId: pid, protocol: 'import', operator: 'affect-cli', note: `Imported from ${path.basename(abs)}` });
      const [imported] = await importMediaFiles({ db, dataDir, sessions }, session.id, [abs], { actor: 'affect-cli' });
      if (!imported.ok) {
        failures++;
        io.err(`affect: ${imported.message}`);
        io.out(['failed', clip, session.id, '', '', '', imported.message].join('\t'));
        continue;
      }
      io.err(`${clip}: session ${session.id}, analysing…`);
      const geometry = { mesh: o.mesh ?? true, keepLandmarks: (o.mesh ?? true) && (o.landmarks ?? false) };
      const run = analysis.runner.start({ sessionId: session.id, mediaFileId: imported.media.id, params: { geometry } });
      interrupted.onRequest = () => analysis.runner.cancel(run.id);
      const done = await analysis.runner.whenDone(run.id);
      interrupted.onRequest = undefined;
      if (done.status !== 'complete') {
        failures++;
        const why = done.error ?? done.status;
        io.err(`affect: ${clip}: analysis run ${run.id} ${done.status}: ${why}`);
        io.out(['failed', clip, session.id, run.id, '', '', why].join('\t'));
        continue;
      }
      const exp = await exportSession({ db, sessions, runs: analysis.runs, fused: analysis.fused, episodes: analysis.episodes }, session.id, o.outDir, { runId: run.id, bom: o.bom, landmarks: geometry.keepLandmarks });
      io.out(['ok', clip, session.id, run.id, exp.timeline, exp.summary, ''].join('\t'));
    }
  } finally {
    unsubscribe();
  }
  if (interrupted.requested) return EXIT.interrupted;
  return failures ? EXIT.failed : EXIT.ok;
}
