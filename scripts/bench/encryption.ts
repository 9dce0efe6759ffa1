/**
 * What encryption at rest costs, side by side with a clear data folder in the same run (alternating which
 * goes first, medians over the runs):
 *
 *  - storing 1 h of observations and exporting its timeline CSV (scripts/bench/store-export.ts, clear
 *    vs --encrypted database);
 *  - `affect analyze` of a 20 s clip (scripts/bench/analyze.ts, --no-encryption vs a passphrase file);
 *  - seeking in a 1 h recording: in the app's player (Chromium's <video>, browser mode's HTTP with byte
 *    ranges served the way the app serves media, clear file vs encrypted chunks) from 'currentTime = t' to
 *    'seeked'; then ffmpeg opening the media URL at a random time and decoding one frame (a cold open: probe,
 *    index at the end, then the seek); and the time to the first byte of random 1 MiB ranges.
 *
 * Wall times swing with whatever else the machine runs; the CPU time of the work done in-process (storing,
 * exporting, analysing without ffmpeg, serving a seek) is printed beside them and moves much less.
 *
 * Prints figures and ratios (encrypted / clear): the ratio of the medians and the median of each run's own
 * ratio (both kinds measured back to back); asserts nothing.
 *
 *   npx tsx scripts/bench/encryption.ts [--runs N] [--minutes M] [--only store|analyze|seek]
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, scryptSync } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { chromiumPath } from '../../e2e/fixtures/paths.js';
import { ClearMediaStore, EncryptedMediaStore, type MediaStore } from '../../src-main/core/crypto/media-store.js';
import { ffmpegPath, runFfmpeg } from '../../src-main/core/media/ffmpeg.js';
import { mediaReply } from '../../src-main/core/server/media-range.js';
import { tempDir } from '../../src-main/core/test-support/make-media.js';
import { cacheRoot } from '../../src-main/core/test-support/fetch-package.js';
import { SCRYPT_PARAMS } from '../../src-main/core/vault/key-file.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const runs = Number(opt('runs', '3'));
const minutes = Number(opt('minutes', '60'));
const only = opt('only', '');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

type Figures = Record<string, { clear: number[]; encrypted: number[] }>;
const figures: Figures = {};
function record(name: string, kind: 'clear' | 'encrypted', v: number): void {
  figures[name] ??= { clear: [], encrypted: [] };
  figures[name][kind].push(v);
}

/** Runs another benchmark script and returns what it printed. */
function runScript(script: string, args: string[]): string {
  const r = spawnSync('npx', ['tsx', `scripts/bench/${script}`, ...args], { encoding: 'utf8', shell: process.platform === 'win32', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function grab(text: string, re: RegExp, what: string): number {
  const m = re.exec(text);
  if (!m) throw new Error(`no ${what} in:\n${text}`);
  return Number(m[1]);
}

function storeExport(kind: 'clear' | 'encrypted'): void {
  const out = runScript('store-export.ts', ['--minutes', String(minutes), ...(kind === 'encrypted' ? ['--encrypted'] : [])]);
  record('store 1 h of observations (s)', kind, grab(out, /stored \d+ rows .* in ([\d.]+) s/, 'store time'));
  record('export its timeline CSV (s)', kind, grab(out, /timeline CSV: .* in ([\d.]+) s/, 'export time'));
  record('  the same, CPU time of storing (s)', kind, grab(out, /store CPU time: ([\d.]+) s/, 'store CPU time'));
  record('  the same, CPU time of exporting (s)', kind, grab(out, /export CPU time: ([\d.]+) s/, 'export CPU time'));
}

function analyze(kind: 'clear' | 'encrypted'): void {
  const out = runScript('analyze.ts', ['--seconds', '20', ...(kind === 'encrypted' ? ['--encrypted'] : [])]);
  if (/skipped/.test(out)) throw new Error(out);
  record('affect analyze, 20 s clip (s)', kind, grab(out, /affect analyze: ([\d.]+) s wall/, 'analyze time'));
  record('  the same, CPU time without ffmpeg (s)', kind, grab(out, /CPU time of this process: ([\d.]+) s/, 'analyze CPU time'));
  if (kind === 'encrypted') kdfSeconds.push(passphraseKeySeconds());
}

/** The encrypted run derives its passphrase key once (scrypt, deliberately slow); its share of the time above. */
const kdfSeconds: number[] = [];
function passphraseKeySeconds(): number {
  const t0 = performance.now();
  scryptSync('bench passphrase', randomBytes(16), 32, { ...SCRYPT_PARAMS, maxmem: 256 * SCRYPT_PARAMS.N * SCRYPT_PARAMS.r + 2 ** 20 });
  return (performance.now() - t0) / 1000;
}

/**
 * A `minutes`-long WebM like a recording (VP8 + Opus), made once: one minute encoded, then repeated by the
 * concat demuxer without re-encoding (timestamps run on), so making it takes seconds, not an hour of encoding.
 */
async function longRecording(): Promise<string> {
  const file = path.join(cacheRoot(), `bench-recording-${minutes}min.webm`);
  if (existsSync(file)) return file;
  mkdirSync(cacheRoot(), { recursive: true });
  const work = tempDir('affect-bench-rec-');
  const minute = path.join(work, 'minute.webm');
  console.log(`making a ${minutes} min recording for the seek benchmark (once; cached in ${cacheRoot()})…`);
  await runFfmpeg([
    '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15:duration=60',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=60',
    '-c:v', 'libvpx', '-b:v', '300k', '-g', '150', '-deadline', 'realtime', '-cpu-used', '8',
    '-c:a', 'libopus', '-b:a', '32k', '-shortest', minute,
  ]);
  const list = path.join(work, 'list.txt');
  writeFileSync(list, Array.from({ length: minutes }, () => `file '${minute}'`).join('\n'));
  const part = `${file}.${process.pid}.part.webm`;
  await runFfmpeg(['-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', part]);
  renameSync(part, file);
  return file;
}

/** A page with the recording in a <video>, as the review screen plays it. */
const PLAYER_PAGE = '<!doctype html><video id="v" src="/media" preload="auto" muted></video>';

/** Serves one stored file at /media with ranges, exactly as the app's media route answers (and the player page at /). */
async function serve(store: MediaStore, file: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PLAYER_PAGE);
    void store.open(file).then((reader) => {
      const reply = mediaReply(reader, 'recording.webm', req.headers.range, req.method === 'HEAD');
      res.writeHead(reply.status, reply.headers);
      if (!reply.body) return void res.end();
      reply.body.on('error', () => res.destroy());
      res.on('close', () => reply.body?.destroy());
      reply.body.pipe(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/media`, close: () => new Promise((r) => server.close(() => r())) };
}

function seekOnce(url: string, atS: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-nostdin', '-ss', atS.toFixed(3), '-i', url, '-map', '0:v:0', '-frames:v', '1', '-f', 'null', '-'], { stdio: 'ignore' });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`ffmpeg seek to ${atS} s failed (${code})`))));
  });
}

function firstByte(url: string, start: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { range: `bytes=${start}-${start + 2 ** 20 - 1}` } }, (res) => {
      res.once('data', () => {
        const ms = performance.now() - t0;
        res.destroy();
        resolve(ms);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Milliseconds from setting the player's currentTime to its 'seeked' event (the frame at the new time is
 * decoded), for each time in turn; the page is loaded first and its metadata read, as in the review screen.
 */
async function seeksInPlayer(browser: Browser, url: string, times: number[]): Promise<{ ms: number[]; serverCpuMs: number }> {
  const page = await browser.newPage();
  try {
    await page.goto(`${url.replace(/\/media$/, '')}/`);
    // Page scripts as strings: this file is compiled without the DOM's types.
    await page.evaluate(`new Promise((resolve, reject) => {
      const v = document.getElementById('v');
      if (v.readyState >= 1) return resolve();
      v.addEventListener('loadedmetadata', () => resolve(), { once: true });
      v.addEventListener('error', () => reject(new Error('the player cannot open the recording (' + v.error?.code + ')')), { once: true });
    })`);
    const cpu0 = process.cpuUsage();
    const ms: number[] = [];
    for (const t of times) {
      ms.push(await page.evaluate<number>(`new Promise((resolve, reject) => {
        const v = document.getElementById('v');
        const t0 = performance.now();
        v.addEventListener('seeked', () => resolve(performance.now() - t0), { once: true });
        v.addEventListener('error', () => reject(new Error('the player failed while seeking (' + v.error?.code + ')')), { once: true });
        v.currentTime = ${t};
      })`));
    }
    const cpu = process.cpuUsage(cpu0);
    return { ms, serverCpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await page.close();
  }
}

async function seek(browser: Browser, recording: string, sealed: string, order: Array<'clear' | 'encrypted'>, key: { id: Buffer; key: Buffer }): Promise<void> {
  const size = statSync(recording).size;
  const times = Array.from({ length: 12 }, () => 5 + Math.random() * (minutes * 60 - 10));
  const offsets = Array.from({ length: 40 }, () => Math.floor(Math.random() * (size - 2 ** 20)));
  for (const kind of order) {
    const store = kind === 'clear' ? new ClearMediaStore() : new EncryptedMediaStore({ id: key.id, key: Buffer.from(key.key) });
    const s = await serve(store, kind === 'clear' ? recording : sealed);
    const inPlayer = await seeksInPlayer(browser, s.url, times);
    record('seek in the player to its seeked event, 1 h recording (ms, median of 12)', kind, median(inPlayer.ms));
    record('  the same, server CPU time per seek (ms)', kind, inPlayer.serverCpuMs / times.length);
    const seeks: number[] = [];
    // The server's side of it (opening, reading, decrypting, sending) runs in this process.
    const cpu0 = process.cpuUsage();
    for (const t of times) seeks.push(await seekOnce(s.url, t));
    const cpu = process.cpuUsage(cpu0);
    const ttfb: number[] = [];
    for (const o of offsets) ttfb.push(await firstByte(s.url, o));
    await s.close();
    await store.close();
    record('ffmpeg: open at a time + first frame, 1 h recording (ms, median of 12)', kind, median(seeks));
    record('  the same, server CPU time per open (ms)', kind, (cpu.user + cpu.system) / 1000 / times.length);
    record('first byte of a random 1 MiB range (ms, median of 40)', kind, median(ttfb));
  }
}

async function main(): Promise<void> {
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores; ${runs} runs, order alternating`);
  let recording = '';
  let sealed = '';
  const key = { id: randomBytes(16), key: randomBytes(32) };
  if (!only || only === 'seek') {
    recording = await longRecording();
    sealed = path.join(tempDir('affect-bench-enc-'), 'recording.webm');
    const w = await new EncryptedMediaStore({ id: key.id, key: Buffer.from(key.key) }).create(sealed);
    for await (const b of createReadStream(recording, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) await w.write(b);
    await w.close();
    console.log(`recording: ${(statSync(recording).size / 2 ** 20).toFixed(0)} MiB clear, ${(statSync(sealed).size / 2 ** 20).toFixed(0)} MiB encrypted`);
  }
  const browser = !only || only === 'seek'
    ? await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] })
    : null;
  try {
    for (let i = 0; i < runs; i++) {
      const order: Array<'clear' | 'encrypted'> = i % 2 ? ['encrypted', 'clear'] : ['clear', 'encrypted'];
      if (!only || only === 'store') for (const k of order) storeExport(k);
      if (!only || only === 'analyze') for (const k of order) analyze(k);
      if (browser) await seek(browser, recording, sealed, order, key);
      console.log(`run ${i + 1} of ${runs} done`);
    }
  } finally {
    await browser?.close();
  }
  // Each run measures both kinds back to back, so the median of the runs' own ratios cancels most of the
  // drift in the machine's load between runs; the ratio of the medians is printed beside it.
  console.log('\nmedian clear | median encrypted | ratio of medians | median of the runs\' ratios');
  for (const [name, { clear, encrypted }] of Object.entries(figures)) {
    const c = median(clear);
    const e = median(encrypted);
    const paired = median(clear.map((x, i) => encrypted[i] / x));
    console.log(`${name}: ${c.toFixed(2)} | ${e.toFixed(2)} | ${(e / c).toFixed(3)} | ${paired.toFixed(3)}  (runs: clear ${clear.map((x) => x.toFixed(2)).join(' ')}; encrypted ${encrypted.map((x) => x.toFixed(2)).join(' ')})`);
  }
  if (kdfSeconds.length) {
    console.log(`of the encrypted analyze: its passphrase key derivation (scrypt N=2^17, r=8, once per unlock), measured beside it: median ${median(kdfSeconds).toFixed(2)} s (${kdfSeconds.map((x) => x.toFixed(2)).join(' ')})`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
