import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImportOutcomeView } from '../../../src-shared/contract/analysis.js';
import { type AppCore, createCore } from '../app-core.js';
import { directClient } from '../rpc/direct-client.js';
import { sessionFolder } from '../recording/session-folder.js';
import { chunksOf, makeWebm, tempDir } from '../test-support/make-media.js';
import { runFfmpeg } from './ffmpeg.js';
import { importMediaFiles, safeFileName } from './import-media.js';

let src: string;
let good: string;
let audioOnly: string;
let core: AppCore | null = null;
const ctx = { clientId: 'r1' };

beforeAll(async () => {
  src = tempDir();
  good = await makeWebm(path.join(src, 'Interview 1 (Müller).webm'), 2);
  audioOnly = path.join(src, 'voice.mkv');
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'sine=frequency=220:sample_rate=16000:duration=1', '-c:a', 'libopus', audioOnly]);
  writeFileSync(path.join(src, 'broken.mp4'), 'this is not a video file at all');
  writeFileSync(path.join(src, 'notes.txt'), 'hello');
});
afterEach(async () => {
  await core?.close();
  core = null;
});

async function newSession(c: AppCore): Promise<number> {
  const p = c.services.participants.create('P07');
  return c.services.sessions.create({ participantId: p.id, protocol: 'research', operator: 'op', note: '' }).id;
}


describe('importing clips', () => {
  it('imports readable clips, refuses the rest one by one, and copies nothing it refuses', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const sid = await newSession(core);
    const files = [good, path.join(src, 'broken.mp4'), path.join(src, 'notes.txt'), audioOnly, path.join(src, 'missing.avi'), good];
    const out = await importMediaFiles({ db: core.services.db, dataDir, sessions: core.services.sessions }, sid, files);
    expect(out.map((o) => o.ok)).toEqual([true, false, false, true, false, true]);
    expect(out[1]).toMatchObject({ fileName: 'broken.mp4', message: expect.stringMatching(/^broken\.mp4: Cannot read media file/) });
    expect(out[2]).toMatchObject({ message: expect.stringMatching(/not a supported clip type/) });
    expect(out[4]).toMatchObject({ message: 'missing.avi: file not found' });
    const ok = out.filter((o): o is Extract<ImportOutcomeView, { ok: true }> => o.ok).map((o) => o.media);
    expect(ok.map((m) => m.fileName)).toEqual(['Interview_1_Muller_.webm', 'voice.mkv', 'Interview_1_Muller_-2.webm']);
    expect(ok[0]).toMatchObject({ kind: 'import', hasVideo: true, hasAudio: true, mimeType: 'video/webm' });
    expect(ok[0].durationMs).toBeGreaterThan(1500);
    expect(ok[1]).toMatchObject({ hasVideo: false, hasAudio: true, mimeType: 'video/x-matroska' });
    expect(readdirSync(sessionFolder(dataDir, sid)).sort()).toEqual(['Interview_1_Muller_-2.webm', 'Interview_1_Muller_.webm', 'voice.mkv']);
    expect(readFileSync(path.join(sessionFolder(dataDir, sid), ok[0].fileName)).equals(readFileSync(good))).toBe(true);
    expect(core.services.sessions.get(sid).media).toHaveLength(3);
  });

  it('takes uploads in chunks over the contract and deletes a refused upload', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const sid = await newSession(core);
    const bytes = new Uint8Array(readFileSync(good));
    const { uploadId } = await directClient(core, ctx).call('media.importBegin', { sessionId: sid, fileName: 'clip.webm', size: bytes.byteLength });
    const parts = chunksOf(bytes, 4096);
    for (const [seq, data] of parts.entries()) await directClient(core, ctx).call('media.importChunk', { uploadId, seq, data });
    await directClient(core, ctx).call('media.importChunk', { uploadId, seq: 0, data: parts[0] }); // a resend is ignored
    const done = await directClient(core, ctx).call('media.importFinish', { uploadId });
    expect(done).toMatchObject({ ok: true, media: { fileName: 'clip.webm', kind: 'import', bytes: bytes.byteLength } });

    const junk = new TextEncoder().encode('not a clip');
    const b = await directClient(core, ctx).call('media.importBegin', { sessionId: sid, fileName: 'junk.mov', size: junk.byteLength });
    await directClient(core, ctx).call('media.importChunk', { uploadId: b.uploadId, seq: 0, data: junk });
    const refused = await directClient(core, ctx).call('media.importFinish', { uploadId: b.uploadId });
    expect(refused).toMatchObject({ ok: false, fileName: 'junk.mov' });
    expect(readdirSync(path.join(sessionFolder(dataDir, sid), '.incoming'))).toEqual([]);
    expect(core.services.sessions.get(sid).media.map((m) => m.fileName)).toEqual(['clip.webm']);

    expect(await core.handle('media.importBegin', { sessionId: sid, fileName: '../../etc/x.mp4', size: 10 }, ctx)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await core.handle('media.importBegin', { sessionId: sid, fileName: 'x.exe', size: 10 }, ctx)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not a supported clip type/) } });
    const c = await directClient(core, ctx).call('media.importBegin', { sessionId: sid, fileName: 'c.mp4', size: 4 });
    expect(await core.handle('media.importChunk', { uploadId: c.uploadId, seq: 1, data: new Uint8Array(2) }, ctx)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await core.handle('media.importChunk', { uploadId: c.uploadId, seq: 0, data: new Uint8Array(8) }, ctx)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/more bytes than announced/) } });
    expect(existsSync(path.join(sessionFolder(dataDir, sid), '.incoming', `${c.uploadId}.part`))).toBe(false);
  });

  it('makes safe, extension-keeping file names', () => {
    expect(safeFileName('../../a b/évaluation ß.MOV')).toBe('evaluation_.mov');
    expect(safeFileName('.hidden.mp4')).toBe('hidden.mp4');
    expect(safeFileName('日本.mkv')).toBe('clip.mkv');
  });
});
