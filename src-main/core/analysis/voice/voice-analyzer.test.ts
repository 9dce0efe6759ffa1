import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceService } from '../../inference/inference-service.js';
import { decodeAudio16kWhole } from '../../media/audio-decode.js';
import { runFfmpeg } from '../../media/ffmpeg.js';
import { tempDir } from '../../test-support/make-media.js';
import { VoiceAnalyzer } from './voice-analyzer.js';

let svc: InferenceService;
let analyzer: VoiceAnalyzer;
const dir = tempDir('affect-voice-');
/** 2 s silence, an espeak-ng sentence (22.05 kHz), 2 s silence (44100 samples); WebM/Opus like a recording's audio. */
let clip: string;
let samples: Float32Array;

beforeAll(async () => {
  svc = await InferenceService.start({ provider: 'cpu', intraOpThreads: 1 });
  analyzer = await VoiceAnalyzer.create(svc);
  const wav = path.join(dir, 'say.wav');
  execFileSync('espeak-ng', ['-v', 'en', '-s', '150', '-w', wav, 'Good morning. I am really not sure this is going to work out today.']);
  clip = path.join(dir, 'clip.webm');
  await runFfmpeg(['-y', '-i', wav, '-af', 'adelay=2000,apad=pad_len=44100', '-c:a', 'libopus', '-ar', '48000', clip]);
  samples = await decodeAudio16kWhole(clip);
});
afterAll(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('VoiceAnalyzer with the real models', () => {
  it('analyses a file into 2 s windows every 0.5 s on the media clock: silence gets no estimate, speech does', async () => {
    const progress: number[] = [];
    const { windows, durationMs } = await analyzer.analyzeMediaFile(clip, { onProgress: (p) => progress.push(p.doneMs) });
    expect(durationMs).toBeGreaterThan(6000);
    const grid = windows.slice(0, -1).map((w) => w.tMs);
    expect(grid).toEqual(grid.map((_, i) => i * 500));
    expect(windows.every((w) => w.durMs === 2000)).toBe(true);
    // The last window ends at the media end (within one 10 ms frame).
    const last = windows[windows.length - 1];
    expect(durationMs - (last.tMs + last.durMs)).toBeLessThan(10);
    const first = windows[0];
    expect(first.speech).toBe(false);
    expect(first.emotion).toBeNull();
    expect(first.features?.f0MeanHz).toBeNull();
    const speech = windows.filter((w) => w.speech);
    expect(speech.length).toBeGreaterThanOrEqual(4);
    for (const w of speech) {
      expect(w.tMs + w.durMs).toBeGreaterThan(2000);
      expect(w.emotion!.probs).toHaveLength(8);
      // The voice model has no contempt: no value there, and the seven it has sum to 1.
      expect(w.emotion!.probs[7]).toBeNull();
      expect(w.emotion!.probs.reduce<number>((a, b) => a + (b ?? 0), 0)).toBeCloseTo(1, 5);
      expect(Math.abs(w.emotion!.valence)).toBeLessThanOrEqual(1);
      expect(Math.abs(w.emotion!.arousal)).toBeLessThanOrEqual(1);
    }
    const voiced = speech.filter((w) => w.features?.f0MeanHz !== null);
    expect(voiced.length).toBeGreaterThan(0);
    for (const w of voiced) {
      expect(w.features!.f0MeanHz!).toBeGreaterThan(70);
      expect(w.features!.f0MeanHz!).toBeLessThan(300);
    }
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
  });

  it('gives the same windows whether fed 100 ms live blocks or 1 s blocks', async () => {
    const run = async (block: number) => {
      const stream = analyzer.createStream({ batch: block === 1600 ? 1 : 8 });
      const out = [];
      for (let i = 0; i < samples.length; i += block) out.push(...(await stream.push(samples.subarray(i, i + block))));
      out.push(...(await stream.finish()));
      return out;
    };
    const live = await run(1600);
    const offline = await run(16000);
    expect(live.map((w) => [w.tMs, w.speech])).toEqual(offline.map((w) => [w.tMs, w.speech]));
    live.forEach((w, i) => {
      expect(w.features?.loudnessMean).toBeCloseTo(offline[i].features!.loudnessMean, 6);
      if (w.emotion) expect(w.emotion.probs[0]).toBeCloseTo(offline[i].emotion!.probs[0]!, 4);
    });
    // Live traces tile the timeline: each window adds the frames after the previous window's end.
    expect(live.slice(1, -1).every((w) => w.trace && w.trace.f0.length === 50)).toBe(true);
  });

  it('analyses one live block as a single window at its media time', async () => {
    const w = await analyzer.analyzeWindow(samples.subarray(32000, 64000), 2000);
    expect(w?.tMs).toBe(2000);
    expect(w?.durMs).toBe(2000);
    expect(w?.speech).toBe(true);
    expect(w?.emotion?.probs).toHaveLength(8);
  });

  it('stops when cancelled', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(analyzer.analyzeMediaFile(clip, { signal: ctl.signal })).rejects.toThrow(/cancelled/);
  });
});
