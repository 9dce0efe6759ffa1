import { describe, expect, it } from 'vitest';
import { framesOf } from './frames-of.js';
import { windowFeatures } from './functionals.js';
import { cycles, normals, tone, whiteNoise } from './test-signals.js';

const featuresOf = (x: Float32Array) => {
  const store = framesOf(x);
  return windowFeatures(store, 0, store.count, x);
};

/** Local jitter of a list of instants: mean |ΔT| over mean T. */
function trueJitter(peaks: number[]): number {
  const T = peaks.slice(1).map((p, i) => p - peaks[i]);
  const d = T.slice(1).map((t, i) => Math.abs(t - T[i]));
  return d.reduce((a, b) => a + b, 0) / d.length / (T.reduce((a, b) => a + b, 0) / T.length);
}

describe('voice features on signals with known answers', () => {
  it('a 200 Hz tone has F0 200 ± 2 Hz, is fully voiced and has no jitter', () => {
    const f = featuresOf(tone(200, 2));
    expect(f.f0MeanHz).not.toBeNull();
    expect(Math.abs(f.f0MeanHz! - 200)).toBeLessThan(2);
    expect(f.voicedRatio).toBeGreaterThan(0.95);
    expect(f.f0SdSemitones!).toBeLessThan(0.1);
    expect(f.jitterLocal!).toBeLessThan(0.002);
    expect(f.shimmerLocalDb!).toBeLessThan(0.05);
    expect(f.hnrDb!).toBeGreaterThan(20);
  });

  it('follows F0 across the speech range (100, 150, 300 Hz)', () => {
    for (const hz of [100, 150, 300]) expect(Math.abs(featuresOf(tone(hz, 1)).f0MeanHz! - hz)).toBeLessThan(hz * 0.01);
  });

  it('recovers added jitter: 1% and 3% period perturbation read back within 10%', () => {
    for (const sigma of [0.01, 0.03]) {
      const z = normals(400, 7);
      const periods = z.map((v) => (1 / 150) * (1 + sigma * v));
      const { x, peaks } = cycles(periods, periods.map(() => 0.3));
      const expected = trueJitter(peaks);
      const measured = featuresOf(x).jitterLocal!;
      expect(measured).toBeGreaterThan(expected * 0.9);
      expect(measured).toBeLessThan(expected * 1.1);
    }
  });

  it('recovers added shimmer: cycle amplitudes varied by 1 dB (sd) read back as their mean |ΔdB|', () => {
    const z = normals(400, 11);
    const amps = z.map((v) => 0.3 * 10 ** (v / 20));
    const { x } = cycles(z.map(() => 1 / 150), amps);
    const expected = amps.slice(1).reduce((s, a, i) => s + Math.abs(20 * Math.log10(a / amps[i])), 0) / (amps.length - 1);
    const measured = featuresOf(x).shimmerLocalDb!;
    // Pairs beyond Praat's 1.6 amplitude factor are skipped, so a little below the full-population mean.
    expect(measured).toBeGreaterThan(expected * 0.75);
    expect(measured).toBeLessThan(expected * 1.1);
  });

  it('HNR of a tone in white noise equals the signal-to-noise ratio (±1.5 dB at 10 and 20 dB)', () => {
    const clean = tone(200, 1, 0.3);
    for (const snrDb of [10, 20]) {
      const n = whiteNoise(1, (0.3 / Math.SQRT2) * 10 ** (-snrDb / 20), 3);
      const hnr = featuresOf(clean.map((v, i) => v + n[i])).hnrDb!;
      expect(Math.abs(hnr - snrDb)).toBeLessThan(1.5);
    }
  });

  it('white noise has the alpha ratio of a flat spectrum, 10·log10(950/4000) ≈ −6.2 dB, and is unvoiced', () => {
    const x = whiteNoise(2, 0.05);
    const store = framesOf(x);
    let sum = 0;
    for (let k = 0; k < store.count; k++) sum += store.alphaRatio[k];
    expect(sum / store.count).toBeCloseTo(10 * Math.log10(950 / 4000), 0);
    expect(featuresOf(x).voicedRatio).toBeLessThan(0.05);
  });

  it('MFCC 1–13 do not move with microphone gain (coefficient 0 is left out)', () => {
    const t = tone(180, 1);
    const x = whiteNoise(1, 0.05, 5).map((v, i) => v + t[i]);
    const a = featuresOf(x).mfccMean;
    const b = featuresOf(x.map((v) => v * 0.1)).mfccMean;
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-3));
  });

  it('silence has no pitch, no voicing and no perturbation measures', () => {
    const f = featuresOf(new Float32Array(32000));
    expect(f.f0MeanHz).toBeNull();
    expect(f.voicedRatio).toBe(0);
    expect(f.jitterLocal).toBeNull();
    expect(f.hnrDb).toBeNull();
    expect(f.voicedSegmentsPerSec).toBe(0);
  });

  it('counts voiced segments per second as a speaking-rate proxy', () => {
    // Four 150 ms tone bursts separated by 350 ms of silence in 2 s.
    const x = new Float32Array(32000);
    const burst = tone(160, 0.15);
    for (let k = 0; k < 4; k++) x.set(burst, k * 8000 + 1000);
    expect(featuresOf(x).voicedSegmentsPerSec).toBeCloseTo(4 / 2, 0);
  });
});
