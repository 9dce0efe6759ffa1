import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src-shared/domain.js';
import { type AppCore, createCore } from '../app-core.js';
import { directClient } from '../rpc/direct-client.js';
import { probeMedia } from '../media/ffmpeg.js';
import { chunksOf, makeWebm, tempDir } from '../test-support/make-media.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { RECORDING_FILE, RECORDING_PART, sessionFolder } from './session-folder.js';

let ctx: { clientId: string; operatorId?: number } = { clientId: 'renderer-1' };
let source: Uint8Array<ArrayBuffer>;
let core: AppCore | null = null;

beforeAll(async () => {
  source = new Uint8Array(readFileSync(await makeWebm(path.join(tempDir(), 'src.webm'), 4)));
});
afterEach(async () => {
  await core?.close();
  core = null;
});

async function newSession(c: AppCore): Promise<Session> {
  ctx = { clientId: 'renderer-1', operatorId: operatorCtx(c).operatorId };
  const pid = consentedParticipant(c, 'P01');
  return c.services.sessions.create({ participantId: pid, protocol: 'screening', operatorId: operatorCtx(c).operatorId, note: '' });
}


describe('recording sink', () => {
  it('streams chunks to the session folder and finishes with a seekable file and its media duration', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const s = await newSession(core);
    await directClient(core, ctx).call('recording.start', { sessionId: s.id, mimeType: 'video/webm;codecs=vp8,opus' });
    const part = path.join(sessionFolder(dataDir, s.id), RECORDING_PART);
    let written = 0;
    for (const [seq, chunk] of chunksOf(source, 64 * 1024).entries()) {
      await directClient(core, ctx).call('recording.chunk', { sessionId: s.id, seq, data: chunk });
      written += chunk.byteLength;
      // Each chunk is on disk as soon as it is acknowledged: nothing is buffered in memory.
      expect(statSync(part).size).toBe(written);
    }
    const done = await directClient(core, ctx).call('recording.stop', { sessionId: s.id });
    expect(done.status).toBe('completed');
    expect(done.durationMs).toBeGreaterThan(3500);
    expect(done.durationMs).toBeLessThan(4500);
    expect(done.startedAt && done.endedAt && done.endedAt >= done.startedAt).toBeTruthy();
    expect(done.media).toEqual([expect.objectContaining({ kind: 'recording', fileName: RECORDING_FILE, hasVideo: true, hasAudio: true })]);
    expect(existsSync(part)).toBe(false);
    const probed = await probeMedia(path.join(sessionFolder(dataDir, s.id), RECORDING_FILE));
    expect(probed.streams.map((x) => x.type).sort()).toEqual(['audio', 'video']);
  });

  it('ignores a resent chunk and refuses a gap, keeping the file intact', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const s = await newSession(core);
    await directClient(core, ctx).call('recording.start', { sessionId: s.id, mimeType: 'video/webm;codecs=vp9,opus' });
    const [a, b] = chunksOf(source, 1000);
    await directClient(core, ctx).call('recording.chunk', { sessionId: s.id, seq: 0, data: a });
    await directClient(core, ctx).call('recording.chunk', { sessionId: s.id, seq: 0, data: a });
    const gap = await core.handle('recording.chunk', { sessionId: s.id, seq: 2, data: b }, ctx);
    expect(gap).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(statSync(path.join(sessionFolder(dataDir, s.id), RECORDING_PART)).size).toBe(1000);
  });

  it('refuses to record twice into one session', async () => {
    core = await createCore({ dataDir: tempDir() });
    const s = await newSession(core);
    await directClient(core, ctx).call('recording.start', { sessionId: s.id, mimeType: 'video/webm' });
    expect(await core.handle('recording.start', { sessionId: s.id, mimeType: 'video/webm' }, ctx)).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('marks the session recovered, with a playable file, when its renderer goes away mid-recording', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const s = await newSession(core);
    await directClient(core, ctx).call('recording.start', { sessionId: s.id, mimeType: 'video/webm;codecs=vp8,opus' });
    const chunks = chunksOf(source, 32 * 1024);
    const half = chunks.slice(0, Math.ceil(chunks.length / 2));
    for (const [seq, chunk] of half.entries()) await directClient(core, ctx).call('recording.chunk', { sessionId: s.id, seq, data: chunk });
    await core.clientGone(ctx.clientId, 'renderer crashed');
    const after = core.services.sessions.get(s.id);
    expect(after.status).toBe('recovered');
    expect(after.statusDetail).toContain('renderer crashed');
    expect(after.durationMs).toBeGreaterThan(500);
    const probed = await probeMedia(path.join(sessionFolder(dataDir, s.id), RECORDING_FILE));
    expect(probed.streams.some((x) => x.type === 'video')).toBe(true);
  });
});

describe('crash recovery', () => {
  it('recovers a recording whose process was killed mid-write, on the next start', async () => {
    const dataDir = tempDir();
    const srcFile = path.join(tempDir(), 'src.webm');
    await makeWebm(srcFile, 4);
    const child = fileURLToPath(new URL('../test-support/record-then-hang.ts', import.meta.url));
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, srcFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    // The child prints READY once it has written a partial chunk; then it is killed without any cleanup.
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
      proc.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));

    core = await createCore({ dataDir });
    const sessions = core.services.sessions.list();
    expect(sessions).toHaveLength(1);
    const s = sessions[0];
    expect(s.status).toBe('recovered');
    expect(s.statusDetail).toMatch(/stopped while recording/);
    expect(s.media[0]?.fileName).toBe(RECORDING_FILE);
    const probed = await probeMedia(path.join(sessionFolder(dataDir, s.id), RECORDING_FILE));
    expect(probed.streams.map((x) => x.type)).toContain('video');
    expect(probed.durationMs).toBeGreaterThan(1000);
    expect(probed.durationMs).toBeLessThan(4000);
  });
});
