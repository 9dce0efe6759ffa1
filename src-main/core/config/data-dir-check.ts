import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MessageKey } from '../../../src-shared/i18n/i18n.js';

/** Linux pseudo-filesystems: nothing the app writes belongs there. */
const SYSTEM_TREES = ['/proc', '/sys', '/dev'];

function within(p: string, tree: string): boolean {
  return p === tree || p.startsWith(tree + path.sep);
}

/**
 * Why a folder cannot be a data folder, or null when it can: absolute, no NUL, not a filesystem root or a
 * system tree, a directory this user can write (or one that can be created inside a writable directory). The
 * reason is a catalogue entry, so the reader's language words it.
 */
export function dataDirProblem(dir: string): { key: MessageKey; vars?: Record<string, string> } | null {
  if (dir.includes('\0')) return { key: 'errors.dataDir.nul' };
  if (!path.isAbsolute(dir)) return { key: 'errors.dataDirAbsolute' };
  const full = path.resolve(dir);
  if (path.parse(full).root === full) return { key: 'errors.dataDir.root' };
  if (process.platform !== 'win32' && SYSTEM_TREES.some((t) => within(full, t))) return { key: 'errors.dataDir.system', vars: { tree: SYSTEM_TREES.find((t) => within(full, t))! } };
  let probe = full;
  while (!existsSync(probe)) {
    const up = path.dirname(probe);
    if (up === probe) return { key: 'errors.dataDir.cannotCreate' };
    probe = up;
  }
  let st;
  try {
    st = statSync(probe);
  } catch (e) {
    return { key: 'errors.dataDir.unreadable', vars: { code: (e as NodeJS.ErrnoException).code ?? 'error' } };
  }
  if (!st.isDirectory()) return probe === full ? { key: 'errors.dataDir.isFile' } : { key: 'errors.dataDir.parentIsFile', vars: { path: probe } };
  try {
    accessSync(probe, constants.W_OK | constants.X_OK);
  } catch {
    return probe === full ? { key: 'errors.dataDir.notWritable' } : { key: 'errors.dataDir.cannotCreateInside', vars: { path: probe } };
  }
  return null;
}
