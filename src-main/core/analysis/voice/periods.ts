import { F0_MAX_HZ, F0_MIN_HZ, SAMPLE_RATE } from './params.js';

/**
 * Cycle-to-cycle perturbation (jitter, shimmer) over the voiced stretches of a window, measured on the
 * waveform itself: pitch frames give the expected period, then successive waveform peaks are picked one
 * period apart (search ±20%, parabolic refinement to sub-sample time), much as Praat's periodic point process
 * does. Frame-level F0 alone cannot show jitter, since a 32 ms frame averages several cycles.
 */
export interface Perturbation {
  /** Mean |T(i) − T(i−1)| over mean T: eGeMAPS jitterLocal (a fraction, 0.01 = 1%). */
  jitterLocal: number | null;
  /** Mean |20·log10(A(i+1)/A(i))| of consecutive cycle peak amplitudes: eGeMAPS shimmerLocaldB. */
  shimmerLocalDb: number | null;
  /** Cycles measured. */
  cycles: number;
}

/** Where one voiced run lies in the window and its F0 track. */
export interface VoicedRun {
  /** First and last sample (exclusive) of the run inside the window. */
  from: number;
  to: number;
  /** F0 (Hz) per frame of the run, frames FRAME_HOP apart, first frame centred at `firstCentre`. */
  f0: Float32Array;
  firstCentre: number;
  frameHop: number;
}

/** Praat's defaults: neighbouring periods differing by more than this factor are not one voice. */
const MAX_PERIOD_FACTOR = 1.3;
const MAX_AMPLITUDE_FACTOR = 1.6;
const MIN_PERIOD = SAMPLE_RATE / F0_MAX_HZ;
const MAX_PERIOD = SAMPLE_RATE / F0_MIN_HZ;

function argmax(x: Float32Array, from: number, to: number): number {
  let best = from;
  for (let i = from + 1; i < to; i++) if (x[i] > x[best]) best = i;
  return best;
}

/** Sub-sample peak time and height by a parabola through the sample and its neighbours. */
function refine(x: Float32Array, i: number): { t: number; a: number } {
  if (i <= 0 || i >= x.length - 1) return { t: i, a: x[i] };
  const y0 = x[i - 1];
  const y1 = x[i];
  const y2 = x[i + 1];
  const den = y0 - 2 * y1 + y2;
  if (den >= 0) return { t: i, a: y1 };
  const d = (0.5 * (y0 - y2)) / den;
  return { t: i + d, a: y1 - 0.25 * (y0 - y2) * d };
}

function peaksInRun(x: Float32Array, run: VoicedRun): Array<{ t: number; a: number }> {
  const periodAt = (pos: number): number => {
    const k = Math.min(run.f0.length - 1, Math.max(0, Math.round((pos - run.firstCentre) / run.frameHop)));
    return SAMPLE_RATE / run.f0[k];
  };
  const peaks: Array<{ t: number; a: number }> = [];
  let p = argmax(x, run.from, Math.min(run.to, run.from + Math.ceil(periodAt(run.from))));
  peaks.push(refine(x, p));
  for (;;) {
    const t = periodAt(p);
    const lo = p + Math.round(0.8 * t);
    const hi = p + Math.round(1.2 * t);
    if (hi >= run.to) break;
    p = argmax(x, lo, hi + 1);
    peaks.push(refine(x, p));
  }
  return peaks;
}

export function perturbation(x: Float32Array, runs: readonly VoicedRun[]): Perturbation {
  let dT = 0;
  let nDT = 0;
  let sumT = 0;
  let nT = 0;
  let dA = 0;
  let nDA = 0;
  for (const run of runs) {
    const peaks = peaksInRun(x, run);
    let prevT = 0;
    for (let i = 1; i < peaks.length; i++) {
      const T = peaks[i].t - peaks[i - 1].t;
      if (T < MIN_PERIOD || T > MAX_PERIOD) {
        prevT = 0;
        continue;
      }
      sumT += T;
      nT++;
      if (prevT > 0 && Math.max(T, prevT) / Math.min(T, prevT) <= MAX_PERIOD_FACTOR) {
        dT += Math.abs(T - prevT);
        nDT++;
      }
      const a0 = peaks[i - 1].a;
      const a1 = peaks[i].a;
      if (a0 > 0 && a1 > 0 && Math.max(a0, a1) / Math.min(a0, a1) <= MAX_AMPLITUDE_FACTOR) {
        dA += Math.abs(20 * Math.log10(a1 / a0));
        nDA++;
      }
      prevT = T;
    }
  }
  return {
    jitterLocal: nDT >= 2 && nT > 0 ? dT / nDT / (sumT / nT) : null,
    shimmerLocalDb: nDA >= 2 ? dA / nDA : null,
    cycles: nT,
  };
}
