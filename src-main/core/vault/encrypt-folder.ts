/**
 * Encrypts an existing clear data folder in place, resumably:
 *
 *  1. media: each file under sessions/<id>/ is written encrypted beside itself (NAME.encrypting), read back
 *     and compared with the clear file by SHA-256, then put in its place; the clear copy is overwritten with
 *     zeros and removed. A file that already starts with the encrypted header was done by an earlier run.
 *  2. database: a checkpointed copy is encrypted (SQLite3MC rekey), checked (integrity check and every
 *     table's row count against the clear file), then put in place; the clear file is overwritten and removed.
 *
 * The marker file says a migration is under way; until it is gone the folder opens only to finish it. A crash
 * at any point leaves every file either clear and intact or encrypted and verified. Overwriting clear copies
 * removes them from a hard disk; on SSDs and copy-on-write file systems old blocks may survive until the
 * drive reuses them (see docs/security.md).
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  fdatasyncSync,
  fstatSync,
  linkSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { JournalWriter, readJournal } from '../crypto/journal-file.js';
import { looksEncrypted, type MediaKey } from '../crypto/media-header.js';
import { SealedReader, SealedWriter } from '../crypto/sealed-file.js';
import { RECORDING_PART } from '../recording/session-folder.js';
import { encryptedDatabaseCopy } from '../store/encrypt-database.js';
import type { FolderKeys } from './key-file.js';

export const MIGRATION_MARKER = '.affect-encrypting';
export const DATABASE_FILE = 'affect-studio.sqlite';
const TEMP = '.encrypting';
const WIPE = '.clear-wipe';

export interface MigrationStep {
  phase: 'media' | 'database' | 'done';
  doneBytes: number;
  totalBytes: number;
}

export class MigrationError extends Error {}

export function migrationPending(dataDir: string): boolean {
  return existsSync(path.join(dataDir, MIGRATION_MARKER));
}

export function markMigrationStarted(dataDir: string): void {
  writeFileSync(path.join(dataDir, MIGRATION_MARKER), `${JSON.stringify({ started: new Date().toISOString() })}\n`, { mode: 0o600 });
}

function firstBytes(file: string, n = 16): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** Overwrites a file with zeros, syncs, and removes it. */
export function wipeFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    const zeros = Buffer.alloc(Math.min(size, 1024 * 1024));
    for (let at = 0; at < size; at += zeros.length) writeSync(fd, zeros, 0, Math.min(zeros.length, size - at), at);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
  rmSync(file, { force: true });
}

/** Puts the verified encrypted file in place of the clear one, then wipes the clear one. */
function replaceClear(file: string, encrypted: string): void {
  const wipe = file + WIPE;
  rmSync(wipe, { force: true });
  linkSync(file, wipe);
  renameSync(encrypted, file);
  wipeFile(wipe);
}

async function sha256(stream: AsyncIterable<Buffer>): Promise<string> {
  const h = createHash('sha256');
  for await (const b of stream) h.update(b);
  return h.digest('hex');
}

async function encryptMediaFile(file: string, key: MediaKey, progress: (bytes: number) => void): Promise<void> {
  const tmp = file + TEMP;
  rmSync(tmp, { force: true });
  const clearHash = createHash('sha256');
  if (path.basename(file) === RECORDING_PART) {
    // An unfinished recording stays a journal, so the next start finalizes it as before.
    const j = JournalWriter.create(tmp, key);
    for await (const b of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      clearHash.update(b);
      j.append(b);
      progress(b.length);
    }
    j.close();
    if ((await sha256(readJournal(tmp, key))) !== clearHash.digest('hex')) throw new MigrationError(`${file}: the encrypted copy does not match`);
  } else {
    const w = await SealedWriter.create(tmp, key);
    try {
      for await (const b of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
        clearHash.update(b);
        await w.write(b);
        progress(b.length);
      }
      await w.close();
    } catch (e) {
      await w.abort();
      throw e;
    }
    const r = await SealedReader.open(tmp, key);
    try {
      if (r.size !== statSync(file).size || (r.size > 0 && (await sha256(r.range(0, r.size - 1))) !== clearHash.digest('hex'))) {
        throw new MigrationError(`${file}: the encrypted copy does not match the clear file`);
      }
    } finally {
      await r.close();
    }
  }
  replaceClear(file, tmp);
}

/** Every file to encrypt (clear ones), after cleaning up what an interrupted run left. */
function mediaFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'sessions');
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const sid of readdirSync(root)) {
    const folder = path.join(root, sid);
    if (!statSync(folder).isDirectory()) continue;
    // Unfinished uploads cannot be resumed after a restart anyway.
    rmSync(path.join(folder, '.incoming'), { recursive: true, force: true });
    for (const name of readdirSync(folder)) {
      const file = path.join(folder, name);
      if (name.endsWith(WIPE)) {
        wipeFile(file);
        continue;
      }
      if (name.endsWith(TEMP)) {
        rmSync(file, { force: true });
        continue;
      }
      const st = statSync(file, { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      if (st.size > 0 && looksEncrypted(firstBytes(file))) continue;
      out.push(file);
    }
  }
  return out;
}

function encryptDatabase(dataDir: string, keys: FolderKeys): void {
  const file = path.join(dataDir, DATABASE_FILE);
  if (!existsSync(file)) return;
  const head = firstBytes(file);
  if (!head.toString('latin1').startsWith('SQLite format 3')) return; // already encrypted
  const tmp = file + TEMP;
  const key = keys.databaseKey();
  try {
    encryptedDatabaseCopy(file, tmp, key);
  } finally {
    key.key.fill(0);
  }
  replaceClear(file, tmp);
  for (const f of [`${file}-wal`, `${file}-shm`]) if (existsSync(f)) wipeFile(f);
}

/**
 * Runs (or continues) the migration. `keys` must be the folder's (its key file is already written). Progress
 * is reported in bytes of media plus the database's size.
 */
export async function encryptFolder(dataDir: string, keys: FolderKeys, onProgress: (p: MigrationStep) => void = () => undefined): Promise<void> {
  if (!migrationPending(dataDir)) markMigrationStarted(dataDir);
  const files = mediaFiles(dataDir);
  const dbFile = path.join(dataDir, DATABASE_FILE);
  const dbBytes = existsSync(dbFile) ? statSync(dbFile).size : 0;
  const totalBytes = files.reduce((n, f) => n + statSync(f).size, 0) + dbBytes;
  let doneBytes = 0;
  let last = 0;
  const report = (phase: MigrationStep['phase'], force = false) => {
    const now = Date.now();
    if (force || now - last > 250) {
      last = now;
      onProgress({ phase, doneBytes, totalBytes });
    }
  };
  report('media', true);
  const media = keys.mediaKey();
  for (const f of files) {
    await encryptMediaFile(f, media, (n) => {
      doneBytes += n;
      report('media');
    });
  }
  report('database', true);
  encryptDatabase(dataDir, keys);
  doneBytes += dbBytes;
  rmSync(path.join(dataDir, MIGRATION_MARKER), { force: true });
  report('done', true);
}
