/** `affect export <session-id…|--all> --out DIR`: CSVs of sessions' newest complete runs (or --run). */
import type { AppCore } from '../app-core.js';
import { exportSession, exportSessions } from '../export/session-export.js';
import type { Io } from './analyze-command.js';
import { EXIT } from './exit-codes.js';

export interface ExportCommandOptions {
  sessionIds: number[] | 'all';
  outDir: string;
  runId?: number;
  bom: boolean;
  /** Add the mesh's landmark columns to the timeline (runs that kept them). */
  landmarks?: boolean;
}

export async function exportCommand(core: AppCore, o: ExportCommandOptions, io: Io): Promise<number> {
  const { analysis, sessions, db } = core.services;
  const deps = { db, sessions, runs: analysis.runs, fused: analysis.fused, episodes: analysis.episodes };
  if (o.runId !== undefined) {
    const [id] = o.sessionIds as number[];
    const r = await exportSession(deps, id, o.outDir, { runId: o.runId, bom: o.bom, landmarks: o.landmarks });
    io.out(['ok', r.sessionId, r.runId, r.timeline, r.summary].join('\t'));
    return EXIT.ok;
  }
  const all = o.sessionIds === 'all';
  const ids = all ? sessions.list().map((s) => s.id).sort((a, b) => a - b) : (o.sessionIds as number[]);
  const r = await exportSessions(deps, ids, o.outDir, { bom: o.bom, landmarks: o.landmarks });
  for (const s of r.sessions) io.out(['ok', s.sessionId, s.runId, s.timeline, s.summary].join('\t'));
  for (const s of r.skipped) {
    io.err(`affect: session ${s.sessionId}: ${s.message}`);
    if (!all) io.out(['failed', s.sessionId, '', '', '', s.message].join('\t'));
  }
  if (r.combinedSummary) io.out(['summary', '', '', r.combinedSummary, ''].join('\t'));
  // With --all, sessions that were never analysed are expected and only reported; naming one is a failure.
  if (!r.sessions.length) {
    io.err('affect: nothing to export (no session has a complete analysis run)');
    return EXIT.failed;
  }
  return !all && r.skipped.length ? EXIT.failed : EXIT.ok;
}
