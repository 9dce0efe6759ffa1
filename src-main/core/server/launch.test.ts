/**
 * The shipped browser-mode entry, as a user starts it: nothing on the browser's command line or in its
 * environment (both readable by other local users through /proc) lets anyone else into the server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { httpGet, signIn } from '../test-support/browser-client.js';
import { tempDir } from '../test-support/make-media.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
let child: ChildProcess | null = null;

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  child = null;
});

/** Starts src-main/browser-main.ts with a stand-in browser that records how it was started. */
async function startWithFakeBrowser(): Promise<{ args: string[]; env: string; origin: string; configDir: string }> {
  const dir = tempDir();
  const fake = path.join(dir, 'fake-browser.sh');
  writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args.txt"\nenv > "${dir}/env.txt"\n`);
  chmodSync(fake, 0o755);
  const configDir = path.join(dir, 'config');
  child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src-main', 'browser-main.ts'), '--data-dir', path.join(dir, 'data')], {
    cwd: REPO,
    env: { ...process.env, AFFECT_BROWSER: fake, AFFECT_CONFIG_DIR: configDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let originLine = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('browser-main did not start')), 60_000);
    createInterface({ input: child!.stdout! }).on('line', (line) => {
      const m = /running at (http:\S+)/.exec(line);
      if (m) originLine = m[1];
      if (line.startsWith('Opened in')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child!.once('exit', (code) => reject(new Error(`browser-main exited with ${code}`)));
  });
  // The stand-in runs detached; give it a moment to write what it saw.
  for (let i = 0; i < 100 && !existsSync(path.join(dir, 'env.txt')); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 100));
  return { args: readFileSync(path.join(dir, 'args.txt'), 'utf8').trim().split('\n'), env: readFileSync(path.join(dir, 'env.txt'), 'utf8'), origin: originLine, configDir };
}

describe.skipIf(process.platform === 'win32')('browser-mode launch', () => {
  it('passes the browser no credential: only a launch file that this user alone can read, good for one sign-in', async () => {
    const { args, env, origin } = await startWithFakeBrowser();
    const port = Number(new URL(origin).port);
    // Whatever address the command line carries, another user opening it gets nothing.
    for (const arg of args) {
      for (const url of arg.match(/https?:\/\/[^\s"']+/g) ?? []) {
        const u = new URL(url);
        const r = await httpGet(port, `${u.pathname}${u.search}`, { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' });
        expect(r.headers['set-cookie'], `${arg} signs in whoever reads it`).toBeUndefined();
        expect(r.status, arg).toBe(403);
      }
    }
    const app = args.find((a) => a.startsWith('--app='));
    expect(app).toMatch(/^--app=file:\/\//);
    const file = fileURLToPath(app!.slice('--app='.length));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    // The browser (this user) follows the file to a one-time address.
    const launchUrl = /url=([^"]+)"/.exec(readFileSync(file, 'utf8'))![1].replace(/&amp;/g, '&');
    const code = new URL(launchUrl).searchParams.get('code')!;
    expect(args.join(' ')).not.toContain(code);
    expect(env).not.toContain(code);
    const cookie = await signIn(launchUrl);
    expect((await httpGet(port, '/', { cookie })).status).not.toBe(403);
    // Used once: the file is gone and the code admits nobody else.
    expect(existsSync(file)).toBe(false);
    await expect(signIn(launchUrl)).rejects.toThrow(/403/);
  }, 90_000);
});
