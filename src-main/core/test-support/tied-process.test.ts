import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(process.platform !== 'linux')('processes started by tests', () => {
  it('die with the process that started them, even when it is killed outright', async () => {
    // A stand-in for a test process: starts a long sleep the way tests start redis-server and workers, then is SIGKILLed.
    const script = `import { spawnTied } from './src-main/core/test-support/tied-process.ts';
      const c = spawnTied('sleep', ['600'], { stdio: 'ignore' });
      c.once('spawn', () => console.log(c.pid));`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout!.setEncoding('utf8').once('data', (d: string) => resolve(Number(d.trim())));
      parent.once('exit', (code) => reject(new Error(`the stand-in exited with ${code}`)));
    });
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(true);
    const exited = new Promise((r) => parent.once('exit', r));
    parent.kill('SIGKILL');
    await exited;
    const end = Date.now() + 10_000;
    while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL'); // leave nothing behind, then fail
    expect(alive(pid)).toBe(false);
  });
});
