/**
 * Byte ranges of an encrypted recording, as the player asks for them, through browser mode's HTTP route and
 * through the Electron protocol handler's Response (src-main/electron/media-response.ts, which imports no
 * electron): each range decrypts only the chunks it needs. Every other chunk of the stored file is damaged
 * on disk, so decrypting any of them (reading ahead past the range, starting at the file's first chunk, or
 * decrypting the whole file) fails its authentication and the answer breaks.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readSync, writeSync, closeSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaResponse } from '../../electron/media-response.js';
import { type AppCore, createCore } from '../app-core.js';
import { endpointOf } from '../app-endpoint.js';
import { HEADER_BYTES, TAG_BYTES } from '../crypto/media-header.js';
import { signIn } from '../test-support/browser-client.js';
import { tempDir } from '../test-support/make-media.js';
import { newKeyFile, writeKeyFile } from '../vault/key-file.js';
import { type BrowserServer, startBrowserServer } from './browser-server.js';

process.env.AFFECT_INSECURE_TEST_KDF = '1';
const C = 64 * 1024;
const CHUNKS = 40;
const plain = randomBytes(CHUNKS * C - 777);
/** The chunks left intact: 17 to 19, and the last (opening a file authenticates it, so a cut file is refused). */
const KEPT = [17, 18, 19, CHUNKS - 1];
let core: AppCore;
let server: BrowserServer;
let cookie: string;
let sessionId: number;
let stored: string;

beforeAll(async () => {
  const dataDir = tempDir('affect-enc-range-');
  const { file, keys } = await newKeyFile('a test passphrase');
  writeKeyFile(dataDir, file);
  core = await createCore({ dataDir, keys });
  const { participants, sessions, mediaStore: media } = core.services;
  const s = sessions.create({ participantId: participants.create('P01').id, protocol: 'p', operatorId: null, note: '' });
  sessionId = s.id;
  sessions.addMedia({ sessionId, kind: 'recording', fileName: 'recording.webm', mimeType: 'video/webm', bytes: plain.length, durationMs: 1000, hasVideo: true, hasAudio: false });
  const folder = path.join(dataDir, 'sessions', String(sessionId));
  mkdirSync(folder, { recursive: true });
  stored = path.join(folder, 'recording.webm');
  const w = await media.create(stored);
  await w.write(plain);
  await w.close();
  // One byte changed in the middle of every chunk but the kept ones.
  const fd = openSync(stored, 'r+');
  for (let i = 0; i < CHUNKS; i++) {
    if (KEPT.includes(i)) continue;
    const at = HEADER_BYTES + i * (C + TAG_BYTES) + 1000;
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at);
    b[0] ^= 0x55;
    writeSync(fd, b, 0, 1, at);
  }
  closeSync(fd);
  const rendererDir = tempDir();
  server = await startBrowserServer({ core: endpointOf(core), rendererDir });
  cookie = await signIn(server.newLaunchUrl());
});
afterAll(async () => {
  await server?.close();
  await core?.close();
});

/** GET with a Range header: the status and every byte that arrived, and whether the answer broke off. */
function rangeOverHttp(range: string): Promise<{ status: number; bytes: Buffer; broken: boolean }> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port: server.port, path: `/media/${sessionId}/recording.webm`, headers: { host: `127.0.0.1:${server.port}`, cookie, range } },
      (res) => {
        const parts: Buffer[] = [];
        let broken = false;
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('error', () => (broken = true));
        res.on('close', () => {
          const bytes = Buffer.concat(parts);
          broken ||= !res.complete || bytes.length !== Number(res.headers['content-length']);
          resolve({ status: res.statusCode ?? 0, bytes, broken });
        });
      },
    );
    // Cut before the status line went out (the first chunk needed failed): a hang-up.
    req.on('error', () => resolve({ status: 0, bytes: Buffer.alloc(0), broken: true }));
  });
}

async function rangeOverProtocol(range: string): Promise<{ status: number; bytes: Buffer }> {
  const opened = await endpointOf(core).openMedia(sessionId, 'recording.webm');
  const res = mediaResponse(opened, 'recording.webm', range);
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

// Ranges inside the kept chunks, as a player seeking to the middle of a recording asks for them.
const inside: Array<[number, number]> = [
  [17 * C, 17 * C],
  [17 * C + 5, 17 * C + 4000],
  [17 * C + 100, 19 * C + 100],
  [17 * C, 20 * C - 1],
  [18 * C + 65_000, 18 * C + 66_000],
];

describe('byte ranges of an encrypted recording', () => {
  it('browser mode decrypts only the chunks a range touches', async () => {
    for (const [a, b] of inside) {
      const r = await rangeOverHttp(`bytes=${a}-${b}`);
      expect(r.status).toBe(206);
      expect(r.broken, `bytes=${a}-${b}`).toBe(false);
      expect(r.bytes.equals(plain.subarray(a, b + 1)), `bytes=${a}-${b}`).toBe(true);
    }
    // The damage is real: a range that needs a damaged chunk breaks off, and the server goes on.
    const bad = await rangeOverHttp(`bytes=${16 * C}-${17 * C + 10}`);
    expect(bad.broken).toBe(true);
    expect((await rangeOverHttp(`bytes=${18 * C}-${18 * C + 9}`)).bytes.equals(plain.subarray(18 * C, 18 * C + 10))).toBe(true);
  });

  it('the Electron protocol handler decrypts only the chunks a range touches', async () => {
    for (const [a, b] of inside) {
      const r = await rangeOverProtocol(`bytes=${a}-${b}`);
      expect(r.status).toBe(206);
      expect(r.bytes.equals(plain.subarray(a, b + 1)), `bytes=${a}-${b}`).toBe(true);
    }
    await expect(rangeOverProtocol(`bytes=${19 * C}-${20 * C}`)).rejects.toThrow();
  });

  it('nothing on disk is the clear media', () => {
    // Sanity for the setup above: the stored file holds none of the plaintext's bytes in clear.
    const probe = plain.subarray(18 * C, 18 * C + 64);
    expect(Buffer.from(readStored()).includes(probe)).toBe(false);
  });
});

function readStored(): Buffer {
  const fd = openSync(stored, 'r');
  try {
    const b = Buffer.alloc(HEADER_BYTES + CHUNKS * (C + TAG_BYTES));
    const n = readSync(fd, b, 0, b.length, 0);
    return b.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
