import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImportOutcomeView } from '../../../src-shared/contract/analysis.js';
import { type AppCore, createCore } from '../app-core.js';
import { directClient } from '../rpc/direct-client.js';
import { sessionFolder } from '../recording/session-folder.js';
import { chunksOf, makeWebm, tempDir } from '../test-support/make-media.js';
import { runFfmpeg } from './ffmpeg.js';
import { consentedParticipant, giveConsent, operatorCtx } from '../test-support/governance.js';
import { importConsent } from '../governance/consent-check.js';
import { importMediaFiles } from './import-media.js';

let src: string;
let good: string;
let audioOnly: string;
let core: AppCore | null = null;
let ctx: ReturnType<typeof operatorCtx>;

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
  ctx = operatorCtx(c);
  const pid = consentedParticipant(c, 'P07');
  return c.services.sessions.create({ participantId: pid, protocol: 'research', operatorId: ctx.operatorId, note: '' }).id;
}

const contentName = /^clip-[0-9a-f]{16}\.(webm|mkv)$/;

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
    // Stored under the content's hash: the original name ("Interview 1 (Müller)") is nowhere in the data folder.
    for (const m of ok.slice(0, 2)) expect(m.fileName).toMatch(contentName);
    expect(ok[2].fileName).toBe(ok[0].fileName.replace('.webm', '-2.webm'));
    expect(ok[0]).toMatchObject({ kind: 'import', hasVideo: true, hasAudio: true, mimeType: 'video/webm' });
    expect(ok[0].durationMs).toBeGreaterThan(1500);
    expect(ok[1]).toMatchObject({ hasVideo: false, hasAudio: true, mimeType: 'audio/x-matroska' });
    expect(readdirSync(sessionFolder(dataDir, sid)).sort()).toEqual(ok.map((m) => m.fileName).sort());
    const dbBytes = readFileSync(path.join(dataDir, 'affect-studio.sqlite'));
    const wal = readFileSync(path.join(dataDir, 'affect-studio.sqlite-wal'));
    for (const b of [dbBytes, wal]) expect(b.includes('Interview') || b.includes('M\u00fcller') || b.includes('Muller')).toBe(false);
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
    expect(done).toMatchObject({ ok: true, media: { fileName: expect.stringMatching(contentName), kind: 'import', bytes: bytes.byteLength } });

    const junk = new TextEncoder().encode('not a clip');
    const b = await directClient(core, ctx).call('media.importBegin', { sessionId: sid, fileName: 'junk.mov', size: junk.byteLength });
    await directClient(core, ctx).call('media.importChunk', { uploadId: b.uploadId, seq: 0, data: junk });
    const refused = await directClient(core, ctx).call('media.importFinish', { uploadId: b.uploadId });
    expect(refused).toMatchObject({ ok: false, fileName: 'junk.mov' });
    expect(readdirSync(path.join(sessionFolder(dataDir, sid), '.incoming'))).toEqual([]);
    expect(core.services.sessions.get(sid).media).toHaveLength(1);

    expect(await core.handle('media.importBegin', { sessionId: sid, fileName: '../../etc/x.mp4', size: 10 }, ctx)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await core.handle('media.importBegin', { sessionId: sid, fileName: 'x.exe', size: 10 }, ctx)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not a supported clip type/) } });
    const c = await directClient(core, ctx).call('media.importBegin', { sessionId: sid, fileName: 'c.mp4', size: 4 });
    expect(await core.handle('media.importChunk', { uploadId: c.uploadId, seq: 1, data: new Uint8Array(2) }, ctx)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await core.handle('media.importChunk', { uploadId: c.uploadId, seq: 0, data: new Uint8Array(8) }, ctx)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/more bytes than announced/) } });
    expect(existsSync(path.join(sessionFolder(dataDir, sid), '.incoming', `${c.uploadId}.part`))).toBe(false);
  });

  it('refuses a clip whose media the participant did not consent to, naming what is missing', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    ctx = operatorCtx(core);
    const p = core.services.participants.create('P-AUDIO');
    giveConsent(core, p.id, { audio: true, analysis: true });
    const sid = core.services.sessions.create({ participantId: p.id, protocol: 'x', operatorId: ctx.operatorId, note: '' }).id;
    const deps = { db: core.services.db, dataDir, sessions: core.services.sessions, consent: importConsent(core.services.participants, core.services.sessions) };
    const out = await importMediaFiles(deps, sid, [good, audioOnly]);
    expect(out[0]).toMatchObject({ ok: false, message: expect.stringMatching(/participant P-AUDIO has no consent for video recording/) });
    expect(out[1]).toMatchObject({ ok: true });
    expect(readdirSync(sessionFolder(dataDir, sid)).filter((n) => !n.startsWith('.'))).toHaveLength(1);
  });
});
