import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesFromPcm } from '../../../src-shared/contract/voice.js';
import type { MethodInput, MethodName, MethodOutput } from '../../../src-shared/contract/index.js';
import { type AppCore, createCore } from '../app-core.js';
import { directClient } from '../rpc/direct-client.js';
import { decodeAudio16k } from '../media/audio-decode.js';
import { decodeVideoFrames } from '../media/video-frames.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { makeWebm, tempDir } from '../test-support/make-media.js';

let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function call<M extends MethodName>(c: AppCore, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  return directClient(c, operatorCtx(c)).call(method, input);
}

/** Every file under the data folder except the database's own (which holds results, not media). */
function mediaFiles(dataDir: string): string[] {
  const walk = (d: string): string[] => (existsSync(d) ? readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)])) : []);
  return walk(path.join(dataDir, 'sessions'));
}

describe('a session that keeps no media ("store the results, not the images")', () => {
  it('never writes a media file, stores the live analysis on the recording clock and fuses it at Stop', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const c = core;
    const pid = consentedParticipant(c, 'P-NOMEDIA');
    const s = await call(c, 'sessions.create', { participantId: pid, protocol: 'Results only' });
    const startedAt = performance.now();
    const started = await call(c, 'recording.start', { sessionId: s.id, keep: { video: false, audio: false } });
    expect(started).toMatchObject({ status: 'recording', keep: { video: false, audio: false } });
    expect(mediaFiles(dataDir)).toEqual([]);
    await expect(call(c, 'recording.chunk', { sessionId: s.id, seq: 0, data: new Uint8Array([1, 2, 3]) })).rejects.toThrow(/keeps no media/);

    // What a camera and microphone would send while recording: 2 s of frames and audio on the recording clock.
    const clip = await makeWebm(path.join(tempDir(), 'source.webm'), 2);
    for await (const f of decodeVideoFrames(clip, { rateHz: 10, maxShortSide: 240 })) {
      const rgba = new Uint8Array(f.width * f.height * 4);
      for (let i = 0, j = 0; i < f.rgb.length; i += 3, j += 4) rgba.set([f.rgb[i], f.rgb[i + 1], f.rgb[i + 2], 255], j);
      await call(c, 'face.analyzeFrames', { sessionId: s.id, frames: [{ tMs: f.tMs, width: f.width, height: f.height, rgba }], recordingClock: true });
      expect(mediaFiles(dataDir)).toEqual([]);
    }
    let seq = 0;
    let t = 0;
    for await (const block of decodeAudio16k(clip)) {
      await call(c, 'voice.block', { sessionId: s.id, seq: seq++, tStartMs: t, sampleRate: 16000, pcm: new Uint8Array(bytesFromPcm(block)), recordingClock: true });
      t += (block.length / 16000) * 1000;
    }
    // The duration is the renderer's clock bounded by the core's: Stop only after 2 s have truly passed,
    // which a fast machine analyses in less.
    const waitMs = startedAt + 2100 - performance.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    const stopped = await call(c, 'recording.stop', { sessionId: s.id, elapsedMs: 2000 });
    expect(stopped).toMatchObject({ status: 'completed', media: [], durationMs: 2000 });
    expect(mediaFiles(dataDir)).toEqual([]);
    expect(existsSync(path.join(dataDir, 'sessions', String(s.id)))).toBe(false);

    const [run] = c.services.analysis.runs.listForSession(s.id);
    expect(run).toMatchObject({ mode: 'live', status: 'complete', mediaFileId: null });
    expect(run.fusedRows).toBeGreaterThanOrEqual(19);
    // Review shows its timeline, with no media to play.
    expect(await call(c, 'review.media', { sessionId: s.id })).toBeNull();
    const timeline = await call(c, 'review.timeline', { sessionId: s.id, fromMs: 0, toMs: 2000, buckets: 100 });
    expect(timeline.runId).toBe(run.id);
    expect(timeline.fused?.points).toBeGreaterThanOrEqual(19);
  }, 120_000);

  it('is finished as recovered after a crash, its length taken from the last stored observation', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir, noLock: true });
    const pid = consentedParticipant(core, 'P-CRASH');
    const s = await call(core, 'sessions.create', { participantId: pid, protocol: 'x' });
    await call(core, 'recording.start', { sessionId: s.id, keep: { video: false, audio: false } });
    // The process dies: the database says "recording"; nothing else exists.
    core.services.db.close();
    core = await createCore({ dataDir, noLock: true });
    expect(core.services.sessions.get(s.id)).toMatchObject({ status: 'recovered', media: [], durationMs: null });
    expect(mediaFiles(dataDir)).toEqual([]);
  });
});
