import { describe, expect, it } from 'vitest';
import { augment, type AugmentConfig, prng } from './augment.js';
import { convolve, inRoom, rms, syntheticRir } from './room.js';

const RATE = 16000;

function direct(x: Float32Array, h: Float32Array): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) for (let k = 0; k <= i && k < h.length; k++) y[i] += x[i - k] * h[k];
  return y;
}

describe('generated rooms for the voice training dump', () => {
  it('convolves by FFT as the textbook sum does, keeping the clip length', () => {
    const rand = prng(7);
    const x = Float32Array.from({ length: 3000 }, () => rand() - 0.5);
    const h = Float32Array.from({ length: 700 }, (_, i) => (rand() - 0.5) * Math.exp(-i / 100));
    const y = convolve(x, h);
    const want = direct(x, h);
    expect(y).toHaveLength(x.length);
    let err = 0;
    for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(y[i] - want[i]));
    expect(err).toBeLessThan(1e-5);
  });

  it('makes a room with the reverberation time and direct-to-reverberant ratio asked for', () => {
    for (const [rt60, drr] of [
      [0.2, 10],
      [0.6, 0],
    ] as const) {
      const h = syntheticRir(rt60, drr, RATE, prng(11));
      expect(h[0]).toBe(1);
      const start = h.findIndex((v, i) => i > 0 && v !== 0);
      // Pre-delay of the first reflections: 2–10 ms.
      expect(start / RATE).toBeGreaterThanOrEqual(0.002);
      expect(start / RATE).toBeLessThanOrEqual(0.0101);
      let tail = 0;
      for (let i = 1; i < h.length; i++) tail += h[i] * h[i];
      expect(10 * Math.log10(1 / tail)).toBeCloseTo(drr, 3);
      // Schroeder's backward integration: the time the tail's energy takes to fall from −5 to −25 dB, × 3.
      const edc = new Float64Array(h.length);
      let acc = 0;
      for (let i = h.length - 1; i >= 1; i--) edc[i] = acc += h[i] * h[i];
      const at = (db: number): number => edc.findIndex((e, i) => i >= start && 10 * Math.log10(e / tail) <= db);
      const measured = ((at(-25) - at(-5)) / RATE) * 3;
      expect(measured).toBeGreaterThan(rt60 * 0.85);
      expect(measured).toBeLessThan(rt60 * 1.15);
    }
  });

  it('adds a room to a copy without changing its other draws, and keeps its level', () => {
    const rand = prng(3);
    const clip = Float32Array.from({ length: RATE * 2 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / RATE) * (rand() < 0.5 ? 1 : 0.8));
    const base: AugmentConfig = { speed: [0.9, 1.1], gainDb: [0, 0], noiseProb: 0, noiseDbfs: [-60, -60] };
    const plain = augment(clip, base, prng(5));
    const never = augment(clip, { ...base, room: { prob: 0, rt60: [0.5, 0.5], drrDb: [3, 3] } }, prng(5), prng(9));
    expect(never).toEqual(plain);
    const roomy = augment(clip, { ...base, room: { prob: 1, rt60: [0.5, 0.5], drrDb: [3, 3] } }, prng(5), prng(9));
    // Same speed draw: same length; a room: different samples at the same RMS.
    expect(roomy).toHaveLength(plain.length);
    expect(roomy).not.toEqual(plain);
    expect(rms(roomy)).toBeCloseTo(rms(plain), 3);
    // Seeded: the same seeds give the same copy.
    expect(augment(clip, { ...base, room: { prob: 1, rt60: [0.5, 0.5], drrDb: [3, 3] } }, prng(5), prng(9))).toEqual(roomy);
    expect(inRoom(clip, { prob: 0, rt60: [0.5, 0.5], drrDb: [3, 3] }, RATE, prng(1))).toBe(clip);
  });
});
