/**
 * `affect export <session-id…|--all> --out DIR [--deidentify …]`: CSVs of sessions' newest complete runs (or
 * --run), via export.sessions: the same consent rules, de-identification and audit entry as the app's export.
 */
import type { ContractClient } from '../../../src-shared/client/contract-client.js';
import { ApiError } from '../../../src-shared/errors.js';
import type { Deidentify } from '../../../src-shared/governance.js';
import type { Io } from './analyze-command.js';
import { EXIT } from './exit-codes.js';
import { ct } from './cli-language.js';

export interface ExportCommandOptions {
  sessionIds: number[] | 'all';
  outDir: string;
  runId?: number;
  bom: boolean;
  /** Add the mesh's landmark columns to the timeline (runs that kept them). */
  landmarks?: boolean;
  deidentify?: Deidentify;
  /** Replace CSV files of the same name in outDir (default: new ones get a free -N name). */
  overwrite?: boolean;
}

export async function exportCommand(api: ContractClient, o: ExportCommandOptions, io: Io): Promise<number> {
  const all = o.sessionIds === 'all';
  const ids = all ? (await api.call('sessions.list', {})).map((s) => s.id).sort((a, b) => a - b) : (o.sessionIds as number[]);
  if (!ids.length) {
    io.err(`affect: ${ct('cli.export.noSessions')}`);
    return EXIT.failed;
  }
  let r;
  try {
    // sessions_summary.csv even for one session, as for any batch the CLI exports; --run exports that one run.
    r = await api.call('export.sessions', { sessionIds: ids, runId: o.runId, outDir: o.outDir, bom: o.bom, combinedSummary: o.runId === undefined, deidentify: o.deidentify, overwrite: o.overwrite, landmarks: o.landmarks ?? false });
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    io.err(`affect: ${e.message}`);
    io.out(['failed', ids.length === 1 ? ids[0] : '', '', '', '', e.message].join('\t'));
    return EXIT.failed;
  }
  for (const s of r.sessions) io.out(['ok', s.sessionId, s.runId, s.timeline, s.summary].join('\t'));
  for (const s of r.skipped) {
    io.err(`affect: ${ct('cli.export.skipped', { id: s.sessionId, message: s.message })}`);
    if (!all) io.out(['failed', s.sessionId, '', '', '', s.message].join('\t'));
  }
  if (r.combinedSummary) io.out(['summary', '', '', r.combinedSummary, ''].join('\t'));
  if (r.keyFile) io.out(['key', '', '', r.keyFile, ''].join('\t'));
  // With --all, sessions that were never analysed are expected and only reported; naming one is a failure.
  if (!r.sessions.length) {
    io.err(`affect: ${ct('cli.export.nothingConsented')}`);
    return EXIT.failed;
  }
  return !all && r.skipped.length ? EXIT.failed : EXIT.ok;
}
