import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/make-media.js';
import { acquireDataLock, DataFolderBusyError } from './data-lock.js';

const LOCK_MODULE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data-lock.ts');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Another process that takes the lock and keeps running. */
async function holder(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(LOCK_MODULE)}).then((m) => { m.acquireDataLock(${JSON.stringify(dataDir)}); console.log('locked'); setInterval(() => {}, 1000); })`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l === 'locked' && resolve());
    child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return child;
}

describe('one Affect Studio per data folder', () => {
  it('a lock file naming a live but unrelated process (PID reuse after a crash) does not lock the user out', () => {
    const dir = tempDir();
    // What an earlier version left: a bare PID, here one that is certainly alive (the test runner's parent).
    writeFileSync(path.join(dir, '.affect-studio.lock'), String(process.ppid));
    writeFileSync(path.join(dir, '.affect-studio.pid'), String(process.ppid));
    const release = acquireDataLock(dir);
    release();
  });

  it('refuses a folder another process holds, names it, and takes it over once that process has died', async () => {
    const dir = tempDir();
    const other = await holder(dir);
    expect(() => acquireDataLock(dir)).toThrow(DataFolderBusyError);
    expect(() => acquireDataLock(dir)).toThrow(new RegExp(`process ${other.pid}`));
    const exited = new Promise((r) => other.once('exit', r));
    other.kill('SIGKILL');
    await exited;
    const release = acquireDataLock(dir);
    // Within one process too, a second holder is refused.
    expect(() => acquireDataLock(dir)).toThrow(DataFolderBusyError);
    release();
    acquireDataLock(dir)();
  }, 60_000);
});
