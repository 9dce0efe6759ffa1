/** The data-folder lock's own small SQLite file (config/data-lock.ts): SQL stays in the store layer. */
import Database from 'better-sqlite3';

/** Opens the lock database and takes its exclusive lock, or throws (busy, or not a database). */
export function lockDatabase(file: string): Database.Database {
  const db = new Database(file, { timeout: 0 });
  try {
    // Exclusive locking mode keeps the OS-level lock (fcntl/LockFileEx) from the first write until the
    // connection closes, and the OS drops it when the process dies however it dies.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS lock_holder (started_at TEXT)');
    db.prepare('INSERT INTO lock_holder (started_at) VALUES (?)').run(new Date().toISOString());
    db.exec('DELETE FROM lock_holder WHERE rowid NOT IN (SELECT max(rowid) FROM lock_holder)');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
