/** Synthetic test signals with known answers, for the voice feature tests. */
import { SAMPLE_RATE } from './params.js';

export function tone(hz: number, seconds: number, amplitude = 0.3): Float32Array {
  const x = new Float32Array(Math.round(seconds * SAMPLE_RATE));
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / SAMPLE_RATE);
  return x;
}

/** Deterministic white noise (xorshift + Box–Muller). */
export function whiteNoise(seconds: number, rms: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const rand = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  const x = new Float32Array(Math.round(seconds * SAMPLE_RATE));
  for (let i = 0; i < x.length; i++) x[i] = rms * Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
  return x;
}

/**
 * A voice-like periodic signal whose cycles have the given periods (seconds) and peak amplitudes: each cycle is
 * one period of a two-harmonic wave, so every cycle has exactly one maximum, at a fixed fraction of the cycle.
 * Returns the signal and the true times of those maxima (seconds), from which the true jitter follows.
 */
export function cycles(periods: readonly number[], amplitudes: readonly number[]): { x: Float32Array; peaks: number[] } {
  const total = periods.reduce((a, b) => a + b, 0);
  const x = new Float32Array(Math.ceil(total * SAMPLE_RATE) + 1);
  const peaks: number[] = [];
  // sin(θ) + 0.3·sin(2θ) peaks where cos θ + 0.6 cos 2θ = 0.
  const thetaPeak = Math.acos((-1 + Math.sqrt(1 + 4 * 1.2 * 0.6)) / (2 * 1.2));
  let t0 = 0;
  let i = 0;
  periods.forEach((T, c) => {
    const end = t0 + T;
    for (; i < x.length && i / SAMPLE_RATE < end; i++) {
      const theta = (2 * Math.PI * (i / SAMPLE_RATE - t0)) / T;
      x[i] = amplitudes[c] * (Math.sin(theta) + 0.3 * Math.sin(2 * theta));
    }
    peaks.push(t0 + (thetaPeak / (2 * Math.PI)) * T);
    t0 = end;
  });
  return { x, peaks };
}

/** Seeded standard normal draws. */
export function normals(n: number, seed: number): number[] {
  const u = whiteNoise(n / SAMPLE_RATE + 1, 1, seed);
  return Array.from({ length: n }, (_, i) => u[i]);
}
