import path from 'node:path';
import { Text, writeCsvFileAtomically } from '../export/csv.js';
import { iterateAudit } from '../store/audit-read.js';
import type { Db } from '../store/database.js';

/** audit_log.csv columns: the stored entry, hash chain included, so a copy can be verified elsewhere. */
export const AUDIT_CSV_COLUMNS = ['id', 'at', 'operator_id', 'action', 'participant_id', 'session_id', 'object', 'object_id', 'detail', 'prev_hash', 'hash'] as const;

export async function writeAuditCsv(db: Db, outDir: string): Promise<{ file: string; entries: number }> {
  let entries = 0;
  const file = await writeCsvFileAtomically(path.join(outDir, 'audit_log.csv'), AUDIT_CSV_COLUMNS, {}, async (w) => {
    for (const r of iterateAudit(db)) {
      entries++;
      await w.write([
        r.id,
        new Text(r.at),
        r.operator_id,
        new Text(r.action),
        r.participant_id,
        r.session_id,
        r.object === null ? null : new Text(r.object),
        r.object_id,
        new Text(r.detail),
        new Text(r.prev_hash),
        new Text(r.hash),
      ]);
    }
  });
  return { file, entries };
}
