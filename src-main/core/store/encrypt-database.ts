/**
 * An encrypted copy of a clear database, checked before anyone relies on it (vault/encrypt-folder.ts puts it
 * in place of the clear one): the clear file is checkpointed and copied, the copy re-keyed in place
 * (SQLite3 Multiple Ciphers encrypts every page), then opened with the key and compared: integrity check and
 * every table's row count.
 */
import { copyFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { applyKey } from './database.js';
import { type DatabaseKey, rawKeyLiteral, selectCipher } from './database-cipher.js';

export class DatabaseCopyError extends Error {}

function tableCounts(db: Database.Database): Record<string, number> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT count(*) FROM "${t.replace(/"/g, '""')}"`).pluck().get() as number]));
}

export function encryptedDatabaseCopy(file: string, copy: string, key: DatabaseKey): void {
  const clear = new Database(file);
  clear.pragma('wal_checkpoint(TRUNCATE)');
  const expected = tableCounts(clear);
  clear.close();
  for (const f of [copy, `${copy}-journal`, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
  copyFileSync(file, copy);
  try {
    const enc = new Database(copy);
    // Re-keying is done in a rollback journal, not in WAL; the app turns WAL on again when it opens the file.
    enc.pragma('journal_mode = DELETE');
    enc.pragma('temp_store = MEMORY'); // nothing of the re-keyed pages in a clear temporary file
    selectCipher(enc, key.cipher);
    enc.pragma(`rekey = ${rawKeyLiteral(key.key)}`);
    enc.close();
    const check = new Database(copy);
    applyKey(check, key);
    const ok = check.pragma('integrity_check', { simple: true });
    const got = tableCounts(check);
    check.close();
    if (ok !== 'ok' || JSON.stringify(got) !== JSON.stringify(expected)) {
      throw new DatabaseCopyError(`The encrypted database does not match the clear one (${String(ok)}); the clear database was kept`);
    }
  } catch (e) {
    rmSync(copy, { force: true });
    throw e;
  }
}
