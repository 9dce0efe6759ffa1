import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FrameFaces } from '../../../src-shared/contract/face.js';
import { bytesFromPcm } from '../../../src-shared/contract/voice.js';
import { type AppCore, createCore } from '../app-core.js';
import { directClient } from '../rpc/direct-client.js';
import { decodeAudio16k } from '../media/audio-decode.js';
import { decodeVideoFrames } from '../media/video-frames.js';
import { faceSpeechClip } from '../test-support/face-speech-clip.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { chunksOf, makeWebm, tempDir } from '../test-support/make-media.js';

let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

function rgba(rgb: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array((rgb.length / 3) * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    out[j] = rgb[i];
    out[j + 1] = rgb[i + 1];
    out[j + 2] = rgb[i + 2];
    out[j + 3] = 255;
  }
  return out;
}

const clip = await faceSpeechClip(4);

describe('live analysis', () => {
  it.skipIf('skip' in clip)('analyses preview frames without storing them, stores and fuses them while recording', async () => {
    if ('skip' in clip) return;
    core = await createCore({ dataDir: tempDir() });
    const c = core;
    const api = directClient(c, operatorCtx(c));
    const s = c.services.sessions.create({ participantId: consentedParticipant(c, 'P-live'), protocol: 'screening', operatorId: null, note: '' });
    const frames: Array<{ tMs: number; width: number; height: number; rgba: Uint8Array<ArrayBuffer> }> = [];
    for await (const f of decodeVideoFrames(clip.file, { rateHz: 10, maxShortSide: 360 })) frames.push({ tMs: f.tMs, width: f.width, height: f.height, rgba: rgba(f.rgb) });

    // Preview: results come back, nothing is stored.
    const preview = await api.call('face.analyzeFrames', { sessionId: s.id, frames: [frames[0]] });
    expect(preview.results[0].faces.length).toBeGreaterThan(0);
    expect(c.services.analysis.runs.listForSession(s.id)).toHaveLength(0);

    // Recording: a live run collects face and voice observations on the recording's clock.
    await api.call('recording.start', { sessionId: s.id, mimeType: 'video/webm;codecs=vp8,opus' });
    // A preview frame still in flight when recording starts (preview clock) is analysed but not stored.
    await api.call('face.analyzeFrames', { sessionId: s.id, frames: [{ ...frames[0], tMs: 99_000 }] });
    expect(c.services.analysis.runs.listForSession(s.id)).toHaveLength(0);
    const withFace: boolean[] = [];
    for (const f of frames) {
      const r = await api.call('face.analyzeFrames', { sessionId: s.id, frames: [f], recordingClock: true });
      withFace.push(r.results[0].faces.length > 0);
    }
    const windows: unknown[] = [];
    const off = c.services.events.subscribe((name, payload) => name === 'voice.window' && windows.push(payload));
    let seq = 0;
    let t = 0;
    for await (const block of decodeAudio16k(clip.file)) {
      for (let i = 0; i < block.length; i += 4000) {
        const part = block.slice(i, i + 4000);
        await api.call('voice.block', { sessionId: s.id, seq: seq++, tStartMs: t, sampleRate: 16000, pcm: new Uint8Array(bytesFromPcm(part)), recordingClock: true });
        t += (part.length / 16000) * 1000;
      }
    }
    off();
    const media = new Uint8Array(readFileSync(await makeWebm(path.join(tempDir(), 'rec.webm'), 4)));
    for (const [i, chunk] of chunksOf(media, 64 * 1024).entries()) await api.call('recording.chunk', { sessionId: s.id, seq: i, data: chunk });
    await api.call('recording.stop', { sessionId: s.id });

    expect(withFace.filter(Boolean).length / withFace.length).toBeGreaterThanOrEqual(0.9);
    expect(windows.length).toBeGreaterThanOrEqual(4);
    const [run] = c.services.analysis.runs.listForSession(s.id);
    expect(run).toMatchObject({ mode: 'live', status: 'complete' });
    expect(run.models.map((m) => m.task)).toEqual(expect.arrayContaining(['face-detector', 'face-emotion', 'vad']));
    const count = (table: string) => (c.services.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`).get(run.id) as { n: number }).n;
    expect(count('face_obs')).toBeGreaterThanOrEqual(frames.length * 0.9);
    expect(count('voice_obs')).toBe(windows.length);
    // Fused onto the 10 Hz grid over the recording's duration (about 4 s).
    expect(count('fused')).toBeGreaterThan(30);
    // Live faces carry the mesh's geometry (stored) and points (sent for the overlay, not stored).
    expect(run.models.map((m) => m.task)).toContain('face-landmarks');
    expect(count('face_geometry')).toBeGreaterThanOrEqual(frames.length * 0.9);
    expect(c.services.db.prepare('SELECT COUNT(*) AS n FROM face_geometry WHERE run_id = ? AND landmarks IS NOT NULL').get(run.id)).toEqual({ n: 0 });
    // Each of the 40-odd frames is its own request (detector, mesh, classifier): slow on a loaded 2-core machine.
  }, 150_000);

  it('refuses frames whose byte length does not match their size, before any model runs', async () => {
    core = await createCore({ dataDir: tempDir() });
    const r = await core.handle('face.analyzeFrames', { sessionId: 1, frames: [{ tMs: 0, width: 4, height: 4, rgba: new Uint8Array(10) }] }, { clientId: 'x' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
