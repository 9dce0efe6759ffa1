import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PitchDetector } from 'pitchy';
import { describe, expect, it } from 'vitest';
import { decodeAudio16kWhole } from '../../media/audio-decode.js';
import { F0_MAX_HZ, F0_MIN_HZ, FRAME_HOP, PITCH_FRAME, SAMPLE_RATE, VOICING_CLARITY, VOICING_FLOOR_DBFS } from './params.js';
import { McLeodPitch } from './pitch.js';
import { whiteNoise } from './test-signals.js';

/**
 * McLeodPitch replaces pitchy's PitchDetector for speed; these tests hold it to pitchy's answers frame by frame:
 * exactly (to double rounding) against pitchy with Float64 buffers, and within the float32 rounding of pitchy's
 * Float32 buffers (what the app used before) against that.
 */

/** Vowel-like test speech: a gliding F0 (80–400 Hz), 30 harmonics shaped by three formants, breath noise. */
function vowels(): Float32Array {
  const formants = [
    [700, 1220, 2600],
    [300, 2300, 3000],
    [500, 900, 2400],
  ];
  const seg = SAMPLE_RATE;
  const x = new Float32Array(formants.length * 4 * seg);
  let phase = 0;
  let o = 0;
  for (const [f1, f2, f3] of formants) {
    for (const [from, to] of [
      [80, 140],
      [120, 220],
      [200, 320],
      [300, 400],
    ]) {
      for (let i = 0; i < seg; i++, o++) {
        const f0 = from + ((to - from) * i) / seg + 3 * Math.sin((2 * Math.PI * 5 * i) / SAMPLE_RATE);
        phase += (2 * Math.PI * f0) / SAMPLE_RATE;
        let v = 0;
        for (let h = 1; h <= 30 && h * f0 < SAMPLE_RATE / 2; h++) {
          const f = h * f0;
          const gain = [f1, f2, f3].reduce((g, fc, j) => g + (1 / (j + 1)) / (1 + ((f - fc) / (0.1 * fc)) ** 2), 0);
          v += (gain / h) * Math.sin(h * phase);
        }
        x[o] = 0.1 * v;
      }
    }
  }
  const noise = whiteNoise(x.length / SAMPLE_RATE, 0.005, 9);
  for (let i = 0; i < x.length; i++) x[i] += noise[i];
  return x;
}

/** Pitch frames one hop apart that are above the voicing floor (the only ones PitchTracker analyses). */
function loudFrames(x: Float32Array): Float32Array[] {
  const floor = 10 ** (VOICING_FLOOR_DBFS / 20);
  const out: Float32Array[] = [];
  for (let s = 0; s + PITCH_FRAME <= x.length; s += FRAME_HOP) {
    const f = x.slice(s, s + PITCH_FRAME);
    if (Math.sqrt(f.reduce((a, v) => a + v * v, 0) / f.length) >= floor) out.push(f);
  }
  return out;
}

const voiced = (f0: number, clarity: number): boolean => clarity >= VOICING_CLARITY && f0 >= F0_MIN_HZ && f0 <= F0_MAX_HZ;
const same = (a: number, b: number, tol: number): boolean => (Number.isFinite(a) ? Math.abs(a - b) <= tol : Object.is(a, b));

function compare(frames: Float32Array[]): void {
  const ours = new McLeodPitch(PITCH_FRAME);
  const p64 = PitchDetector.forFloat64Array(PITCH_FRAME);
  const p32 = PitchDetector.forFloat32Array(PITCH_FRAME);
  let decisions = 0;
  let disagree = 0;
  let worstF0 = 0;
  let worstClarity = 0;
  for (const f of frames) {
    ours.find(f, SAMPLE_RATE);
    const [f64, c64] = p64.findPitch(f, SAMPLE_RATE);
    expect(same(ours.pitch, f64, 1e-9 * Math.abs(f64))).toBe(true);
    expect(same(ours.clarity, c64, 1e-9)).toBe(true);
    const [f32, c32] = p32.findPitch(f, SAMPLE_RATE);
    decisions++;
    if (voiced(ours.pitch, ours.clarity) !== voiced(f32, c32)) disagree++;
    // Periods outside the F0 range (lags near the frame end) divide by a tiny energy term, which magnifies
    // pitchy's float32 rounding; those frames are unvoiced either way.
    if (f32 >= F0_MIN_HZ && f32 <= F0_MAX_HZ) {
      worstF0 = Math.max(worstF0, Math.abs(ours.pitch - f32));
      worstClarity = Math.max(worstClarity, Math.abs(ours.clarity - c32));
    }
  }
  expect(decisions).toBeGreaterThan(500);
  expect(worstF0).toBeLessThan(0.1);
  expect(worstClarity).toBeLessThan(1e-4);
  expect(disagree / decisions).toBeLessThanOrEqual(0.001);
}

describe("McLeodPitch agrees with pitchy's PitchDetector", () => {
  it('on synthetic vowels (80–400 Hz glides, three vowel colours, breath noise)', () => {
    compare(loudFrames(vowels()));
  });

  const ravdess = path.resolve('../shared/data/ravdess-speech');
  it.skipIf(!existsSync(ravdess))('on RAVDESS speech, a male and a female actor (needs ../shared/data/ravdess-speech; skipped without it)', async () => {
    const frames: Float32Array[] = [];
    for (const actor of ['Actor_01', 'Actor_02']) {
      const files = readdirSync(path.join(ravdess, actor)).sort();
      for (const f of files.filter((_, i) => i % 6 === 0)) frames.push(...loudFrames(await decodeAudio16kWhole(path.join(ravdess, actor, f))));
    }
    compare(frames);
  });
});
