import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** Linux pseudo-filesystems: nothing the app writes belongs there. */
const SYSTEM_TREES = ['/proc', '/sys', '/dev'];

function within(p: string, tree: string): boolean {
  return p === tree || p.startsWith(tree + path.sep);
}

/**
 * Why a folder cannot be a data folder, or null when it can: absolute, no NUL, not a filesystem root or a
 * system tree, a directory this user can write (or one that can be created inside a writable directory).
 */
export function dataDirProblem(dir: string): string | null {
  if (dir.includes('\0')) return 'The data folder must not contain a NUL character';
  if (!path.isAbsolute(dir)) return 'The data folder must be an absolute path';
  const full = path.resolve(dir);
  if (path.parse(full).root === full) return 'The data folder cannot be the root of a disk';
  if (process.platform !== 'win32' && SYSTEM_TREES.some((t) => within(full, t))) return `The data folder cannot be inside ${SYSTEM_TREES.find((t) => within(full, t))}`;
  let probe = full;
  while (!existsSync(probe)) {
    const up = path.dirname(probe);
    if (up === probe) return 'The data folder cannot be created';
    probe = up;
  }
  let st;
  try {
    st = statSync(probe);
  } catch (e) {
    return `The data folder cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  if (!st.isDirectory()) return probe === full ? 'The data folder is a file, not a folder' : `${probe} is a file, not a folder`;
  try {
    accessSync(probe, constants.W_OK | constants.X_OK);
  } catch {
    return probe === full ? 'You cannot write to this folder' : `You cannot create a folder inside ${probe}`;
  }
  return null;
}
