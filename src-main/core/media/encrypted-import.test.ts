import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AppCore, createCore } from '../app-core.js';
import { sessionFolder } from '../recording/session-folder.js';
import { directClient } from '../rpc/direct-client.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { chunksOf, tempDir } from '../test-support/make-media.js';
import { newKeyFile, writeKeyFile } from '../vault/key-file.js';
import { probeMedia, runFfmpeg } from './ffmpeg.js';
import { importMediaFiles } from './import-media.js';

process.env.AFFECT_INSECURE_TEST_KDF = '1';
let clip: string;
let clipBytes: Buffer;
let core: AppCore | null = null;

beforeAll(async () => {
  // An MP4 with its index at the end: reading it back needs seeking through the decrypting tap.
  clip = path.join(tempDir(), 'Visit 3 of Jane Roe.mp4');
  await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=300:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip]);
  clipBytes = readFileSync(clip);
});
afterEach(async () => {
  await core?.close();
  core = null;
});

async function encryptedCore(): Promise<AppCore> {
  const dataDir = tempDir();
  const { file, keys } = await newKeyFile('import passphrase');
  writeKeyFile(dataDir, file);
  return createCore({ dataDir, keys });
}

async function decrypted(c: AppCore, sessionId: number, fileName: string): Promise<Buffer> {
  const r = await c.services.mediaStore.open(path.join(sessionFolder(c.services.dataDir, sessionId), fileName));
  const parts: Buffer[] = [];
  for await (const b of r.range(0, r.size - 1)) parts.push(b);
  await r.close();
  return Buffer.concat(parts);
}

describe('importing into an encrypted data folder', () => {
  it('stores a clip from a path encrypted, and it reads back the same and probes through the store', async () => {
    core = await encryptedCore();
    const sid = core.services.sessions.create({ participantId: consentedParticipant(core, 'P-IMP'), protocol: 'research', operatorId: null, note: '' }).id;
    const [r] = await importMediaFiles({ db: core.services.db, dataDir: core.services.dataDir, sessions: core.services.sessions, media: core.services.mediaStore }, sid, [clip]);
    if (!r.ok) throw new Error(r.message);
    expect(r.media).toMatchObject({ bytes: clipBytes.length, hasVideo: true, hasAudio: true });
    // Named by the clip's own content hash, as in a clear folder.
    expect(r.media.fileName).toBe(`clip-${createHash('sha256').update(clipBytes).digest('hex').slice(0, 16)}.mp4`);
    const stored = path.join(sessionFolder(core.services.dataDir, sid), r.media.fileName);
    expect(readFileSync(stored).includes(clipBytes.subarray(0, 4096))).toBe(false);
    expect(readFileSync(stored).includes('ftyp')).toBe(false);
    expect((await decrypted(core, sid, r.media.fileName)).equals(clipBytes)).toBe(true);
    const probed = await probeMedia(stored);
    expect(probed.durationMs).toBeGreaterThan(1900);
  });

  it('encrypts an upload as its chunks arrive: nothing of it is ever in clear in the data folder', async () => {
    core = await encryptedCore();
    const op = operatorCtx(core);
    const sid = core.services.sessions.create({ participantId: consentedParticipant(core, 'P-UP'), protocol: 'research', operatorId: op.operatorId, note: '' }).id;
    const client = directClient(core, op);
    const { uploadId } = await client.call('media.importBegin', { sessionId: sid, fileName: 'clip.mp4', size: clipBytes.length });
    const incoming = path.join(sessionFolder(core.services.dataDir, sid), '.incoming');
    const parts = chunksOf(new Uint8Array(clipBytes), 50_000);
    for (const [seq, data] of parts.entries()) {
      await client.call('media.importChunk', { uploadId, seq, data });
      for (const f of readdirSync(incoming)) {
        const onDisk = readFileSync(path.join(incoming, f));
        expect(onDisk.includes('ftyp')).toBe(false);
        expect(onDisk.includes(Buffer.from(data.subarray(0, 64)))).toBe(false);
      }
    }
    const done = await client.call('media.importFinish', { uploadId });
    if (!done.ok) throw new Error(done.message);
    expect(done.media.bytes).toBe(clipBytes.length);
    expect((await decrypted(core, sid, done.media.fileName)).equals(clipBytes)).toBe(true);
    expect(readdirSync(incoming)).toEqual([]);
  });
});
