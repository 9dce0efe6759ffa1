// better-sqlite3 here is better-sqlite3-multiple-ciphers (package.json aliases it): the same API, built
// with SQLite3 Multiple Ciphers (the encryption schemes are in database-cipher.ts).
import Database from 'better-sqlite3';
import { type DatabaseKey, rawKeyLiteral, selectCipher } from './database-cipher.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';

export type Db = Database.Database;

export class SchemaTooNewError extends Error {}
export class WrongDatabaseKeyError extends Error {}

export interface OpenOptions {
  /** The raw key and scheme of an encrypted data folder's database (no second key derivation). */
  key?: DatabaseKey | null;
}

/**
 * Opens (or creates) the data folder's SQLite file with WAL and foreign keys, then applies every pending
 * migration, each in its own transaction so a failed step leaves the previous version intact.
 */
export function openDatabase(file: string, migrations: readonly Migration[] = allMigrations, opts: OpenOptions = {}): Db {
  const db = new Database(file);
  try {
    if (opts.key) applyKey(db, opts.key);
    // Deleted rows are overwritten with zeros, not just unlinked: a deleted participant's code or note must not
    // stay readable in free pages (issue 17). Incremental auto-vacuum lets a deletion give those pages back.
    db.pragma('secure_delete = ON');
    enableIncrementalVacuum(db);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commit.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Makes the connection read and write the file encrypted under this raw key and scheme. Must come before
 * anything else touches the file; a wrong key, another scheme or a clear file is reported as WrongDatabaseKeyError.
 */
export function applyKey(db: Db, { cipher, key }: DatabaseKey): void {
  if (key.length !== 32) throw new WrongDatabaseKeyError('A database key is 32 bytes');
  selectCipher(db, cipher);
  db.pragma(`key = ${rawKeyLiteral(key)}`);
  // SQLite3 Multiple Ciphers does not encrypt temporary files (large sorts, index builds, VACUUM), and this
  // build writes them to disk by default: in memory, nothing of an encrypted database reaches the disk in clear.
  db.pragma('temp_store = MEMORY');
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_NOTADB') throw new WrongDatabaseKeyError('The database does not open with this key (wrong key, or not an encrypted database)');
    throw e;
  }
}

/** auto_vacuum can only change on an empty file or through one VACUUM (done once, before WAL is switched on). */
function enableIncrementalVacuum(db: Db): void {
  const INCREMENTAL = 2;
  if (db.pragma('auto_vacuum', { simple: true }) === INCREMENTAL) return;
  db.pragma('auto_vacuum = INCREMENTAL');
  const hasTables = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").get() !== undefined;
  if (hasTables) db.exec('VACUUM');
}

/**
 * After a deletion: gives freed pages back to the file system and empties the write-ahead log, so the bytes of
 * what was deleted are neither in free pages (secure_delete zeroed them) nor in old WAL frames.
 */
export function reclaimFreedPages(db: Db): void {
  db.pragma('incremental_vacuum');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, migrations: readonly Migration[]): number {
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  // Strictly increasing, not necessarily consecutive: numbers are reserved for branches merged in any order.
  migrations.forEach((m, i) => {
    if (m.version <= (i === 0 ? 0 : migrations[i - 1].version)) throw new Error(`Migration list is out of order at ${m.name}`);
  });
  const current = schemaVersion(db);
  if (current > latest) {
    throw new SchemaTooNewError(
      `This data folder was written by a newer Affect Studio (schema ${current}, this version knows ${latest}). ` +
        'Update the application; the data has not been touched.',
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return schemaVersion(db);
}
