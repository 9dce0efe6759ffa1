import { existsSync, linkSync, rmSync } from 'node:fs';
import path from 'node:path';
import { contentFileName, sha256OfFile } from '../media/import-media.js';
import { sessionFolder } from '../recording/session-folder.js';
import type { Db } from '../store/database.js';
import { legacyImports, mediaNameTaken, renameMedia } from '../store/legacy-media-repo.js';

/**
 * Clips imported before issue 17 kept (a cleaned form of) their original file name, which can carry a name or
 * a birth date. Each is renamed once to its content hash: linked under the new name, listed under it, then the
 * old name removed, so a crash at any point leaves the clip reachable and the next start finishes the job.
 */
export async function renameLegacyImports(db: Db, dataDir: string): Promise<number> {
  let renamed = 0;
  for (const m of legacyImports(db)) {
    const folder = sessionFolder(dataDir, m.sessionId);
    const oldFile = path.join(folder, m.fileName);
    if (!existsSync(oldFile)) continue;
    const sha256 = await sha256OfFile(oldFile);
    const base = contentFileName(sha256, m.fileName);
    const ext = path.extname(base);
    let name = base;
    // The same clip imported twice into one session: each listing keeps its own file.
    for (let i = 2; mediaNameTaken(db, m.sessionId, name); i++) name = `${path.basename(base, ext)}-${i}${ext}`;
    // Already linked by an interrupted earlier start: the content is the same, keep it.
    if (!existsSync(path.join(folder, name))) linkSync(oldFile, path.join(folder, name));
    renameMedia(db, m.id, name, sha256);
    rmSync(oldFile, { force: true });
    renamed++;
  }
  return renamed;
}
