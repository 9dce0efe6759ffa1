import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWebm, tempDir } from '../test-support/make-media.js';
import { AudioDecodeError, decodeAudio16k } from './audio-decode.js';
import { concatFloat32 } from '../../../src-shared/float32.js';
import { runFfmpeg } from './ffmpeg.js';

const dir = tempDir('affect-audio-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function decodeAll(file: string, blockSamples?: number): Promise<{ x: Float32Array; blocks: number }> {
  const parts: Float32Array[] = [];
  for await (const b of decodeAudio16k(file, { blockSamples })) parts.push(b);
  const x = concatFloat32(parts);
  return { x, blocks: parts.length };
}

/** Frequency from positive-going zero crossings. */
function zeroCrossingHz(x: Float32Array, from: number, to: number): number {
  let n = 0;
  for (let i = from + 1; i < to; i++) if (x[i - 1] <= 0 && x[i] > 0) n++;
  return (n * 16000) / (to - from);
}

describe('decodeAudio16k', () => {
  it('decodes a MediaRecorder-style WebM (Opus 48 kHz) to 16 kHz mono in blocks, keeping pitch and length', async () => {
    const file = await makeWebm(path.join(dir, 'tone.webm'), 3);
    const { x, blocks } = await decodeAll(file, 4000);
    expect(blocks).toBeGreaterThanOrEqual(12);
    expect(Math.abs(x.length - 48000)).toBeLessThan(16000 * 0.05);
    expect(zeroCrossingHz(x, 8000, 40000)).toBeCloseTo(440, -1);
  });

  it('puts sample 0 at media time 0 when the audio track starts late (silence before it)', async () => {
    const file = path.join(dir, 'late.mkv');
    await runFfmpeg([
      '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10:duration=3',
      '-itsoffset', '1', '-f', 'lavfi', '-i', 'sine=frequency=300:sample_rate=44100:duration=2',
      '-map', '0:v', '-map', '1:a', '-c:v', 'mpeg4', '-c:a', 'pcm_s16le', file,
    ]);
    const { x } = await decodeAll(file);
    const rms = (a: number, b: number) => Math.sqrt(x.subarray(a, b).reduce((s, v) => s + v * v, 0) / (b - a));
    expect(rms(0, 14000)).toBeLessThan(1e-3);
    expect(rms(18000, 40000)).toBeGreaterThan(0.05);
    expect(zeroCrossingHz(x, 18000, 40000)).toBeCloseTo(300, -1);
  });

  it('says so when the file has no audio track, or is not media at all', async () => {
    const video = path.join(dir, 'silent.mkv');
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10:duration=1', '-c:v', 'mpeg4', video]);
    await expect(decodeAll(video)).rejects.toThrow(/has no audio track/);
    await expect(decodeAll(path.join(dir, 'missing.wav'))).rejects.toBeInstanceOf(AudioDecodeError);
  });

  it('stops ffmpeg when cancelled', async () => {
    const file = await makeWebm(path.join(dir, 'long.webm'), 4);
    const ctl = new AbortController();
    const run = (async () => {
      for await (const _ of decodeAudio16k(file, { signal: ctl.signal, blockSamples: 1600 })) ctl.abort();
    })();
    await expect(run).rejects.toThrow(/cancelled/);
  });
});
