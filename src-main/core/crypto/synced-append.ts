/** Appending to a file so that what is acknowledged is on disk, for the recording journals (clear and encrypted). */
import { fdatasyncSync, ftruncateSync, writeSync } from 'node:fs';

/** Writes all of `buf` at `position` (a short write goes on where it stopped). */
export function writeAllSync(fd: number, buf: Uint8Array, position: number): void {
  let off = 0;
  while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off, position + off);
}

/**
 * Writes `bytes` at `committed` (the end of what was acknowledged) and syncs them to disk. If writing or syncing
 * fails (a full disk), the file is cut back to `committed`, so a retry of the same data appends it exactly once,
 * and the error is thrown.
 */
export function appendSyncedSync(fd: number, bytes: Uint8Array, committed: number): void {
  try {
    writeAllSync(fd, bytes, committed);
    fdatasyncSync(fd);
  } catch (e) {
    try {
      ftruncateSync(fd, committed);
    } catch {
      /* the original error is the one to report */
    }
    throw e;
  }
}
