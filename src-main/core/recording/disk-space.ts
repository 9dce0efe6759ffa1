/**
 * A full disk must not leave a recording half-written or a session stuck in "recording". Chunks that fail to
 * write are cut back to the last acknowledged byte (so a resend appends cleanly), and a small reserve file
 * kept in the data folder is given up when the disk fills, so that Stop can still write the session's end.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const RESERVE_FILE = '.affect-studio.reserve';
/** Enough for the few database pages that close a session, many times over. */
export const RESERVE_BYTES = 2 * 1024 * 1024;

export function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL' || /database or disk is full/i.test((e as Error)?.message ?? '');
}

/** Puts the reserve in place when it is missing (best effort: on a full disk there is nothing to reserve). */
export function ensureDiskReserve(dataDir: string): void {
  const file = path.join(dataDir, RESERVE_FILE);
  if (existsSync(file)) return;
  try {
    writeFileSync(file, Buffer.alloc(RESERVE_BYTES), { mode: 0o600 });
  } catch {
    rmSync(file, { force: true });
  }
}

/** Frees the reserve; true when there was one to free. */
export function releaseDiskReserve(dataDir: string): boolean {
  const file = path.join(dataDir, RESERVE_FILE);
  if (!existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}

export function diskFullMessage(what: string): string {
  return `The disk holding the data folder is full: ${what}. Free some space on it; everything saved before is safe.`;
}
