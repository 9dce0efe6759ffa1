import type { Db } from './database.js';

/**
 * Folders (relative to the data folder) whose removal a committed deletion still owes. Added in the deletion's
 * transaction, crossed off once removed, so a crash in between never leaves a deleted session's media behind.
 */
export class PendingFilesRepo {
  constructor(private readonly db: Db) {}

  add(relPaths: readonly string[]): void {
    const ins = this.db.prepare('INSERT OR IGNORE INTO pending_file_removal (rel_path) VALUES (?)');
    for (const p of relPaths) ins.run(p);
  }

  list(): string[] {
    return (this.db.prepare('SELECT rel_path FROM pending_file_removal ORDER BY rowid').all() as { rel_path: string }[]).map((r) => r.rel_path);
  }

  done(relPath: string): void {
    this.db.prepare('DELETE FROM pending_file_removal WHERE rel_path = ?').run(relPath);
  }
}
