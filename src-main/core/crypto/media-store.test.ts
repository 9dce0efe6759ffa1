import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffprobePath, runFfmpeg } from '../media/ffmpeg.js';
import { tempDir } from '../test-support/make-media.js';
import { ffprobeReads } from '../test-support/sealed-probe.js';
import { EncryptedMediaStore } from './media-store.js';

const run = promisify(execFile);
const dir = tempDir('affect-store-');
let mp4: string;

beforeAll(async () => {
  // H.264 in MP4 with its index (moov) at the end, as cameras write it: reading it needs seeking.
  mp4 = path.join(dir, 'camera.mp4');
  await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', mp4]);
});

async function sealCopy(store: EncryptedMediaStore, from: string, to: string): Promise<void> {
  const w = await store.create(to);
  await w.write(readFileSync(from));
  await w.close();
}

function get(port: number, pathname: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: pathname, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ffmpeg reading encrypted media', () => {
  it('probes and decodes an encrypted MP4 through the tap, seeking by byte ranges', async () => {
    const store = new EncryptedMediaStore({ id: randomBytes(16), key: randomBytes(32) });
    const stored = path.join(dir, 'stored.mp4');
    await sealCopy(store, mp4, stored);
    const seen = await ffprobeReads(ffprobePath(), stored);
    expect(seen.readable, seen.said).toBe(false);

    const src = await store.ffmpegSource(stored);
    const { stdout } = await run(ffprobePath(), ['-v', 'error', '-protocol_whitelist', src.protocols, '-show_entries', 'format=duration', '-of', 'csv=p=0', src.url], { env: src.env });
    expect(Number(stdout)).toBeCloseTo(3, 1);
    const frames = await run(ffprobePath(), ['-v', 'error', '-protocol_whitelist', src.protocols, '-count_frames', '-select_streams', 'v', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', src.url], { env: src.env });
    expect(Number(frames.stdout)).toBe(75);
    await src.release();
    await store.close();
  });

  it('answers nothing without the password in ffmpeg’s environment, and nothing after release', async () => {
    const store = new EncryptedMediaStore({ id: randomBytes(16), key: randomBytes(32) });
    const stored = path.join(dir, 'stored2.mp4');
    await sealCopy(store, mp4, stored);
    const src = await store.ffmpegSource(stored);
    const proxy = new URL(src.env!.http_proxy!);
    const port = Number(proxy.port);
    const token = new URL(src.url).pathname;
    // Someone who read ffmpeg's command line knows the address, not the password.
    expect(await get(port, token)).toBe(407);
    expect(await get(port, src.url)).toBe(407);
    const auth = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
    expect(await get(port, src.url, { 'proxy-authorization': auth, range: 'bytes=0-99' })).toBe(206);
    await src.release();
    expect(await get(port, src.url, { 'proxy-authorization': auth })).toBe(404);
    await store.close();
  });
});
