/**
 * Seeded fuzzing of the browser-mode server (the shipped entry, in its own process): random and mutated
 * WebSocket frames on raw connections, and random and mutated RPC messages on a signed-in client, for a
 * bounded time. After every round a separate client must still get an answer, and at the end the process
 * must still be running. AFFECT_FUZZ_SEED and AFFECT_FUZZ_MS (default 20 000, CI at most 60 000) repeat or
 * lengthen a run; a failure prints the seed and the last inputs.
 *
 * Strings in generated payloads come from a fixed pool whose only absolute paths lie in this test's temp
 * folder, so requests that write files (exports, settings, recordings) stay inside it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { contract } from '../../../src-shared/contract/index.js';
import { encodeFrame } from '../../../src-shared/wire.js';
import { clientFrame, connectWs, rawWebSocket, rpc, signIn } from '../test-support/browser-client.js';
import { tempDir } from '../test-support/make-media.js';
// mulberry32: small, fast, and the same sequence everywhere for a seed.
import { mulberry32 as prng } from '../../../src-shared/seeded-random.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SEED = Number(process.env.AFFECT_FUZZ_SEED ?? 20_261_201);
const BUDGET_MS = Math.min(Number(process.env.AFFECT_FUZZ_MS ?? 20_000), 60_000);

let child: ChildProcess;
let port = 0;
let cookie = '';
let scratch = '';
const log: string[] = [];

beforeAll(async () => {
  scratch = tempDir('affect-fuzz-');
  // An encrypted data folder, set up and unlocked at start (a test-only cheap passphrase KDF).
  const passFile = path.join(scratch, 'passphrase');
  writeFileSync(passFile, FUZZ_PASSPHRASE, { mode: 0o600 });
  child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src-main', 'browser-main.ts'), '--no-open', '--data-dir', path.join(scratch, 'data'), '--passphrase-file', passFile], {
    cwd: REPO,
    env: { ...process.env, AFFECT_CONFIG_DIR: path.join(scratch, 'config'), AFFECT_INSECURE_TEST_KDF: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
  const launch = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('browser-main did not start')), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^Launch address \(one-time\): (\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`browser-main exited with ${code}: ${log.join('')}`)));
  });
  port = Number(new URL(launch).port);
  cookie = await signIn(launch);
}, 90_000);

afterAll(async () => {
  if (child?.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

function generator(rand: () => number) {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const strings = ['', 'a', 'P01', 'x'.repeat(5000), '../../etc/passwd', '%', '\u0000', '\ud800', '=1+1', 'a;b', 'happy', 'video/webm', path.join(scratch, 'out'), path.join(scratch, 'dir', 'sub'), 'relative/dir'];
  const numbers = [0, 1, -1, 2, 7, 0.5, 1e3, 2 ** 31, 2 ** 40, 2 ** 53, -(2 ** 53), 1e308, Number.MAX_SAFE_INTEGER];
  const methods = Object.keys(contract);
  const value = (depth: number): unknown => {
    switch (int(depth > 3 ? 4 : 8)) {
      case 0:
        return pick(numbers);
      case 1:
        return pick(strings);
      case 2:
        return rand() < 0.5;
      case 3:
        return null;
      case 4:
        return Array.from({ length: int(4) }, () => value(depth + 1));
      case 5:
        return new Uint8Array(Array.from({ length: int(64) }, () => int(256)));
      default: {
        const keys = ['sessionId', 'participantId', 'runId', 'tierId', 'code', 'seq', 'data', 'fromMs', 'toMs', 'startMs', 'endMs', 'size', 'fileName', 'uploadId', 'sessionIds', 'rater', 'dataDir', 'outDir', 'gridMs', 'buckets', 'mimeType', 'protocol', 'operator', 'changeset', 'add', 'remove', 'a', 'b', 'kind'];
        return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(keys), value(depth + 1)]));
      }
    }
  };
  const message = () => ({ type: rand() < 0.95 ? 'req' : pick(['res', 'evt', 'x']), id: rand() < 0.95 ? int(1e6) : pick(numbers), method: rand() < 0.9 ? pick(methods) : pick(strings), input: value(0) });
  const mutate = (bytes: Uint8Array): Uint8Array => {
    const out = Uint8Array.from(bytes);
    for (let i = int(4) + 1; i > 0; i--) if (out.length) out[int(out.length)] = int(256);
    return rand() < 0.2 ? out.subarray(0, int(out.length + 1)) : out;
  };
  const rawFrame = (): Buffer => {
    switch (int(4)) {
      case 0:
        return Buffer.from(Array.from({ length: int(40) + 1 }, () => int(256)));
      case 1:
        return clientFrame(int(16), mutate(encodeFrame(message() as never)), { mask: rand() < 0.8, rsv: int(8) });
      case 2:
        return clientFrame(pick([0x1, 0x2, 0x8, 0x9, 0xa]), new Uint8Array(Array.from({ length: int(200) }, () => int(256))), { length: rand() < 0.3 ? pick([126, 65535, 65536, 2 ** 32, 2 ** 40]) : undefined });
      default:
        return Buffer.from(mutate(clientFrame(0x2, encodeFrame(message() as never))));
    }
  };
  return { int, pick, message, mutate, rawFrame };
}

const FUZZ_PASSPHRASE = 'fuzzing passphrase, not secret';

async function alive(health: WebSocket, id: number): Promise<void> {
  expect(child.exitCode, `the server exited: ${log.join('').slice(-2000)}`).toBeNull();
  let r = (await rpc(health, id, 'participants.list', {}, 10_000)) as { result?: { ok: boolean; error?: { code: string } } };
  // A fuzzed `vault.lock` is a valid request: the server answers `locked` until unlocked again.
  if (r.result?.ok === false && r.result.error?.code === 'locked') {
    await rpc(health, id + 1e6, 'vault.unlock', { passphrase: FUZZ_PASSPHRASE }, 10_000);
    r = (await rpc(health, id + 2e6, 'participants.list', {}, 10_000)) as typeof r;
  }
  expect(r).toMatchObject({ type: 'res', result: { ok: true } });
}

describe('browser-mode server under fuzzing', () => {
  it(`keeps serving through random and mutated WebSocket frames and RPC payloads (seed ${SEED})`, async () => {
    const rand = prng(SEED);
    const g = generator(rand);
    const headers = { origin: `http://127.0.0.1:${port}`, cookie };
    const health = await connectWs(port, headers);
    let client = await connectWs(port, headers);
    client.on('error', () => {});
    const deadline = Date.now() + BUDGET_MS;
    let rounds = 0;
    let sent = 0;
    let healthId = 1;
    const recent: string[] = [];
    try {
      while (Date.now() < deadline) {
        rounds++;
        if (rounds % 2 === 0) {
          // Raw frames on a connection of their own, which the server may drop.
          const sock = await rawWebSocket(port, cookie);
          sock.on('error', () => {});
          const closed = new Promise<void>((r) => sock.once('close', () => r()));
          for (let i = g.int(4) + 1; i > 0; i--) {
            const f = g.rawFrame();
            recent.push(`raw ${f.subarray(0, 24).toString('hex')}`);
            sock.write(f);
            sent++;
          }
          sock.end();
          await Promise.race([closed, new Promise((r) => setTimeout(r, 200))]);
          sock.destroy();
        } else {
          if (client.readyState !== client.OPEN) {
            client = await connectWs(port, headers);
            client.on('error', () => {});
          }
          for (let i = 0; i < 20; i++) {
            const m = g.message();
            const bytes = g.int(4) === 0 ? g.mutate(encodeFrame(m as never)) : encodeFrame(m as never);
            recent.push(`rpc ${String(m.method).slice(0, 40)} ${JSON.stringify(m.input, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v))?.slice(0, 160)}`);
            client.send(bytes, () => {});
            sent++;
          }
        }
        if (recent.length > 60) recent.splice(0, recent.length - 60);
        await alive(health, healthId++);
      }
    } catch (e) {
      throw new Error(`Fuzzing failed (seed ${SEED}, round ${rounds}): ${(e as Error).message}\nlast inputs:\n${recent.join('\n')}\nserver log:\n${log.join('').slice(-3000)}`);
    } finally {
      client.terminate();
    }
    await alive(health, healthId++);
    health.terminate();
    expect(sent).toBeGreaterThan(100);
    console.log(`fuzz: seed ${SEED}, ${rounds} rounds, ${sent} frames and messages in ${BUDGET_MS} ms`);
  }, BUDGET_MS + 90_000);
});
