/** `affect export <session-id…|--all> --out DIR`: CSVs of sessions' newest complete runs (or --run), via export.sessions. */
import type { ContractClient } from '../../../src-shared/client/contract-client.js';
import type { Io } from './analyze-command.js';
import { EXIT } from './exit-codes.js';

export interface ExportCommandOptions {
  sessionIds: number[] | 'all';
  outDir: string;
  runId?: number;
  bom: boolean;
}

export async function exportCommand(api: ContractClient, o: ExportCommandOptions, io: Io): Promise<number> {
  if (o.runId !== undefined) {
    const [id] = o.sessionIds as number[];
    const [r] = (await api.call('export.sessions', { sessionIds: [id], runId: o.runId, outDir: o.outDir, bom: o.bom })).sessions;
    io.out(['ok', r.sessionId, r.runId, r.timeline, r.summary].join('\t'));
    return EXIT.ok;
  }
  const all = o.sessionIds === 'all';
  const ids = all ? (await api.call('sessions.list', {})).map((s) => s.id).sort((a, b) => a - b) : (o.sessionIds as number[]);
  if (!ids.length) {
    io.err('affect: nothing to export (no session has a complete analysis run)');
    return EXIT.failed;
  }
  // sessions_summary.csv even for one session, as for any batch the CLI exports.
  const r = await api.call('export.sessions', { sessionIds: ids, outDir: o.outDir, bom: o.bom, combinedSummary: true });
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
