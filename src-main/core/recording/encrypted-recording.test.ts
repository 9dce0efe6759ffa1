import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AppCore, createCore } from '../app-core.js';
import { ffprobePath, probeMedia, runFfmpeg } from '../media/ffmpeg.js';
import { directClient } from '../rpc/direct-client.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { chunksOf, makeWebm, tempDir } from '../test-support/make-media.js';
import { ffprobeReads } from '../test-support/sealed-probe.js';
import { newKeyFile, readKeyFile, unlockWithPassphrase, writeKeyFile } from '../vault/key-file.js';
import { RECORDING_FILE, RECORDING_PART, sessionFolder } from './session-folder.js';

process.env.AFFECT_INSECURE_TEST_KDF = '1';
const PASS = 'recording passphrase';
const EBML = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
let srcFile: string;
let source: Uint8Array<ArrayBuffer>;
let core: AppCore | null = null;

beforeAll(async () => {
  srcFile = await makeWebm(path.join(tempDir(), 'src.webm'), 4);
  source = new Uint8Array(readFileSync(srcFile));
});
afterEach(async () => {
  await core?.close();
  core = null;
});

async function encryptedCore(dataDir: string): Promise<AppCore> {
  const { file, keys } = await newKeyFile(PASS);
  writeKeyFile(dataDir, file);
  return createCore({ dataDir, keys });
}

describe('recording into an encrypted data folder', () => {
  it('has every acknowledged chunk on disk, encrypted, and finishes with a seekable recording nobody else can read', async () => {
    const dataDir = tempDir();
    core = await encryptedCore(dataDir);
    const op = operatorCtx(core);
    const pid = consentedParticipant(core, 'P-REC-SECRET');
    const s = core.services.sessions.create({ participantId: pid, protocol: 'screening', operatorId: op.operatorId, note: '' });
    const client = directClient(core, op);
    await client.call('recording.start', { sessionId: s.id, mimeType: 'video/webm;codecs=vp8,opus' });
    const part = path.join(sessionFolder(dataDir, s.id), RECORDING_PART);
    let before = statSync(part).size;
    for (const [seq, chunk] of chunksOf(source, 64 * 1024).entries()) {
      await client.call('recording.chunk', { sessionId: s.id, seq, data: chunk });
      // On disk when acknowledged: the journal grew by the chunk plus its record overhead, and is not WebM.
      const now = statSync(part).size;
      expect(now - before).toBeGreaterThanOrEqual(chunk.byteLength + 20);
      before = now;
      expect(readFileSync(part).includes(EBML)).toBe(false);
    }
    const done = await client.call('recording.stop', { sessionId: s.id });
    expect(done.status).toBe('completed');
    expect(done.durationMs).toBeGreaterThan(3500);
    expect(done.durationMs).toBeLessThan(4500);
    expect(done.statusDetail).toBeNull();
    expect(readdirSync(sessionFolder(dataDir, s.id))).toEqual([RECORDING_FILE]);

    const stored = path.join(sessionFolder(dataDir, s.id), RECORDING_FILE);
    expect(readFileSync(stored).includes(EBML)).toBe(false);
    const seen = await ffprobeReads(ffprobePath(), stored);
    expect(seen.readable, seen.said).toBe(false);
    // Through the folder's store it is a seekable WebM: duration and both streams (ffmpeg seeks by ranges).
    const probed = await probeMedia(stored);
    expect(probed.streams.map((x) => x.type).sort()).toEqual(['audio', 'video']);
    expect(probed.durationMs).toBeGreaterThan(3500);
    const reader = await core.services.mediaStore.open(stored);
    expect(done.media[0].bytes).toBe(reader.size);
    const head: Buffer[] = [];
    for await (const b of reader.range(0, 3)) head.push(b);
    expect(Buffer.concat(head)).toEqual(EBML);
    await reader.close();
  });

  it('loses at most the chunk in flight when the recorder is killed with SIGKILL (kill -9)', async () => {
    const dataDir = tempDir();
    const passFile = path.join(tempDir(), 'pass');
    writeFileSync(passFile, PASS, { mode: 0o600 });
    const child = fileURLToPath(new URL('../test-support/record-then-hang.ts', import.meta.url));
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, srcFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AFFECT_PASSPHRASE_FILE: passFile },
    });
    const acknowledged = await new Promise<number>((resolve, reject) => {
      proc.stdout.on('data', (d: Buffer) => {
        const m = /READY (\d+)/.exec(d.toString());
        if (m) resolve(Number(m[1]));
      });
      proc.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));

    // What a clear folder keeps of the same acknowledged bytes: the reference for "nothing more was lost".
    const ackFile = path.join(tempDir(), 'acknowledged.webm');
    writeFileSync(ackFile, source.subarray(0, acknowledged));
    const refFile = path.join(tempDir(), 'reference.webm');
    await runFfmpeg(['-fflags', '+genpts', '-i', ackFile, '-map', '0', '-c', 'copy', refFile]);
    const reference = (await probeMedia(refFile)).durationMs!;

    core = await createCore({ dataDir, keys: await unlockWithPassphrase(readKeyFile(dataDir), PASS) });
    const [s] = core.services.sessions.list();
    expect(s.status).toBe('recovered');
    expect(s.media[0]?.fileName).toBe(RECORDING_FILE);
    expect(s.durationMs).toBeGreaterThan(1000);
    expect(Math.abs(s.durationMs! - reference)).toBeLessThanOrEqual(1000);
    const stored = path.join(sessionFolder(dataDir, s.id), RECORDING_FILE);
    expect(readFileSync(stored).includes(EBML)).toBe(false);
    expect((await probeMedia(stored)).streams.map((x) => x.type)).toContain('video');
  });
});
