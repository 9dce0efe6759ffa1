// Importing a clip leaves a session Review can play: a copy where the browser cannot play the original, the
// original kept (or not, by the setting) with its hash recorded, and nothing re-encoded that already plays.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { uploadClipSource } from '../../../src-shared/client/upload-clip.js';
import type { ImportOutcomeView } from '../../../src-shared/contract/analysis.js';
import { type AppCore, createCore } from '../app-core.js';
import { openClipFile } from '../cli/clip-file.js';
import { sessionFolder } from '../recording/session-folder.js';
import { directClient } from '../rpc/direct-client.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';
import { runFfmpeg } from './ffmpeg.js';
import { sha256OfFile } from './import-media.js';

let src: string;
let avi: string;
let mp4: string;
let wav: string;
let core: AppCore | null = null;

beforeAll(async () => {
  src = tempDir();
  avi = path.join(src, 'Jane Doe 1990-01-01.avi');
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=300:duration=2', '-c:v', 'mjpeg', '-c:a', 'pcm_s16le', '-shortest', avi]);
  mp4 = path.join(src, 'interview.mp4');
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', mp4]);
  wav = path.join(src, 'speech.wav');
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'sine=frequency=200:sample_rate=16000:duration=2', '-c:a', 'pcm_s16le', wav]);
}, 60_000);

afterEach(async () => {
  await core?.close();
  core = null;
});

async function importInto(c: AppCore, file: string): Promise<{ sessionId: number; outcome: Extract<ImportOutcomeView, { ok: true }> }> {
  const ctx = operatorCtx(c);
  const api = directClient(c, ctx);
  const pid = consentedParticipant(c, 'P01');
  const session = await api.call('sessions.create', { participantId: pid, protocol: 'corpus' });
  const opened = await openClipFile(file);
  if (!('source' in opened)) throw new Error(opened.message);
  try {
    const outcome = await uploadClipSource(api.call.bind(api), session.id, opened.source);
    if (!outcome.ok) throw new Error(outcome.message);
    return { sessionId: session.id, outcome };
  } finally {
    await opened.close();
  }
}

describe('importing a clip the app cannot play', () => {
  it('adds a playable copy beside the original, which Review plays; analysis reads the original', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const progress: number[] = [];
    core.services.events.subscribe((name, p) => {
      if (name === 'media.progress') progress.push((p as { fraction: number }).fraction);
    });
    const { sessionId, outcome } = await importInto(core, avi);
    expect(outcome.playableCopy?.reason).toBe('avi with mjpeg video and pcm_s16le audio does not play in the app');
    const media = core.services.sessions.get(sessionId).media;
    expect(media).toHaveLength(2);
    const [original, copy] = media;
    expect(original).toMatchObject({ playable: false, derivedFrom: null, mimeType: 'video/x-msvideo' });
    expect(copy).toMatchObject({ playable: true, derivedFrom: original.id, sourceSha256: original.sha256, mimeType: 'video/webm', hasVideo: true, hasAudio: true });
    expect(original.sha256).toBe(await sha256OfFile(avi));
    expect(copy.fileName).toBe(`clip-${original.sha256!.slice(0, 16)}.playable.webm`);
    expect(copy.sha256).toBe(await sha256OfFile(path.join(sessionFolder(dataDir, sessionId), copy.fileName)));
    expect(progress.at(-1)).toBe(1);
    const api = directClient(core, operatorCtx(core));
    expect(await api.call('review.media', { sessionId })).toMatchObject({ fileName: copy.fileName, fps: 25, fpsSource: 'container' });
    const run = await api.call('analysis.start', { sessionId });
    expect(run.mediaFileId).toBe(original.id);
    await api.call('analysis.cancel', { runId: run.id });
    // The trail names the copy by id, never a file name.
    const actions = core.services.db.prepare("SELECT action, detail FROM audit_log WHERE action = 'media.convert'").all() as Array<{ detail: string }>;
    expect(actions).toHaveLength(1);
    expect(JSON.parse(actions[0].detail)).toEqual({ from: original.id, originalKept: true });
  }, 120_000);

  it('keeps only the copy when originals are not kept, with the original’s hash recorded on it', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const api = directClient(core, operatorCtx(core));
    expect((await api.call('settings.update', { keepImportOriginals: false })).keepImportOriginals).toBe(false);
    const { sessionId, outcome } = await importInto(core, avi);
    const media = core.services.sessions.get(sessionId).media;
    expect(media).toHaveLength(1);
    expect(media[0]).toMatchObject({ playable: true, derivedFrom: null, sourceSha256: await sha256OfFile(avi) });
    expect(outcome.media.id).toBe(media[0].id);
    expect(readdirSync(sessionFolder(dataDir, sessionId)).filter((n) => n !== '.incoming')).toEqual([media[0].fileName]);
    const run = await api.call('analysis.start', { sessionId });
    expect(run.mediaFileId).toBe(media[0].id);
    await api.call('analysis.cancel', { runId: run.id });
  }, 120_000);
});

describe('importing a clip the app plays', () => {
  it('leaves an H.264 MP4 and a WAV as they are (no copy, nothing re-encoded)', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    for (const file of [mp4, wav]) {
      const { sessionId, outcome } = await importInto(core, file);
      expect(outcome.playableCopy).toBeUndefined();
      const media = core.services.sessions.get(sessionId).media;
      expect(media).toHaveLength(1);
      expect(media[0]).toMatchObject({ playable: true, sha256: await sha256OfFile(file) });
      expect(existsSync(path.join(sessionFolder(dataDir, sessionId), media[0].fileName))).toBe(true);
    }
    const wavSession = core.services.sessions.list()[0];
    expect(wavSession.media[0]).toMatchObject({ hasVideo: false, hasAudio: true, mimeType: 'audio/wav' });
  }, 60_000);
});
