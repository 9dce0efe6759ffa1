import type { Db } from './database.js';

/** Imported clips listed before content hashes replaced original file names (sha256 still NULL). */
export function legacyImports(db: Db): { id: number; sessionId: number; fileName: string }[] {
  return db.prepare("SELECT id, session_id AS sessionId, file_name AS fileName FROM media_file WHERE kind = 'import' AND sha256 IS NULL ORDER BY id").all() as {
    id: number;
    sessionId: number;
    fileName: string;
  }[];
}

export function renameMedia(db: Db, id: number, fileName: string, sha256: string): void {
  db.prepare('UPDATE media_file SET file_name = ?, sha256 = ? WHERE id = ?').run(fileName, sha256, id);
}

export function mediaNameTaken(db: Db, sessionId: number, fileName: string): boolean {
  return db.prepare('SELECT 1 FROM media_file WHERE session_id = ? AND file_name = ?').get(sessionId, fileName) !== undefined;
}
