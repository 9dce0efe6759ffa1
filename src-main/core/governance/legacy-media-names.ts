import { copyFileSync, existsSync, linkSync, rmSync } from 'node:fs';
import path from 'node:path';
import { contentFileName, sha256OfFile } from '../media/import-media.js';
import { sessionFolder } from '../recording/session-folder.js';
import type { Db } from '../store/database.js';
import { legacyImports, mediaNameTaken, renameMedia } from '../store/legacy-media-repo.js';

/**
 * Clips imported before issue 17 kept (a cleaned form of) their original file name, which can carry a name or
 * a birth date. Each is renamed once to its content hash: linked (or, where links are not possible, copied)
 * under the new name, listed under it, then the old name removed, so a crash at any point leaves the clip
 * reachable and the next start finishes the job. A clip that cannot be renamed now keeps its name until the
 * next start; it never stops the app from starting.
 */
export async function renameLegacyImports(db: Db, dataDir: string, log: (message: string) => void = console.error): Promise<number> {
  let renamed = 0;
  for (const m of legacyImports(db)) {
    try {
      if (await renameOne(db, dataDir, m)) renamed++;
    } catch (e) {
      log(`Imported clip ${m.id} of session ${m.sessionId} keeps its old file name for now: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return renamed;
}

async function renameOne(db: Db, dataDir: string, m: { id: number; sessionId: number; fileName: string }): Promise<boolean> {
  const folder = sessionFolder(dataDir, m.sessionId);
  const oldFile = path.join(folder, m.fileName);
  if (!existsSync(oldFile)) return false;
  const sha256 = await sha256OfFile(oldFile);
  const base = contentFileName(sha256, m.fileName);
  const ext = path.extname(base);
  let name = base;
  // The same clip imported twice into one session: each listing keeps its own file.
  for (let i = 2; mediaNameTaken(db, m.sessionId, name); i++) name = `${path.basename(base, ext)}-${i}${ext}`;
  // Already linked by an interrupted earlier start: the content is the same, keep it.
  const target = path.join(folder, name);
  if (!existsSync(target)) {
    try {
      linkSync(oldFile, target);
    } catch {
      copyFileSync(oldFile, target);
    }
  }
  renameMedia(db, m.id, name, sha256);
  rmSync(oldFile, { force: true });
  return true;
}
