import type Database from 'better-sqlite3';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lockDatabase } from '../store/lock-database.js';

export class DataFolderBusyError extends Error {}

const LOCK_FILE = '.affect-studio.lock';
const PID_FILE = '.affect-studio.pid';

function isBusy(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

function holderPid(dataDir: string): string {
  try {
    const pid = readFileSync(path.join(dataDir, PID_FILE), 'utf8').trim();
    return /^\d+$/.test(pid) ? ` (process ${pid})` : '';
  } catch {
    return '';
  }
}

/**
 * One running Affect Studio per data folder (Electron, browser mode or CLI), so two recorders can never
 * write into the same session. The lock is an OS-level lock held by an open SQLite connection, not a PID
 * in a file: a crashed holder releases it by dying, and a reused PID of some unrelated process locks nobody
 * out. The PID file beside it only names the holder in the message. The lock file itself is never deleted
 * (a waiter could otherwise lock a deleted file while a third process creates a new one).
 */
export function acquireDataLock(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  let db: Database.Database;
  try {
    db = lockDatabase(file);
  } catch (e) {
    if (isBusy(e)) throw new DataFolderBusyError(`Another Affect Studio${holderPid(dataDir)} is already using the data folder ${dataDir}`);
    if ((e as { code?: string }).code !== 'SQLITE_NOTADB') throw e;
    // A lock file of an earlier version (a bare PID); it locks nothing, so it is replaced.
    rmSync(file, { force: true });
    try {
      db = lockDatabase(file);
    } catch (again) {
      if (isBusy(again)) throw new DataFolderBusyError(`Another Affect Studio${holderPid(dataDir)} is already using the data folder ${dataDir}`);
      throw again;
    }
  }
  if (process.platform !== 'win32') chmodSync(file, 0o600);
  writeFileSync(path.join(dataDir, PID_FILE), String(process.pid), { mode: 0o600 });
  return () => {
    rmSync(path.join(dataDir, PID_FILE), { force: true });
    db.close();
  };
}
