import type { VoiceFeatures } from '../../../../src-shared/contract/voice.js';
import type { FrameStore } from './frame-store.js';
import { FRAME_HOP, MFCC_COEFFS, PITCH_FRAME, SAMPLE_RATE, SPECTRUM_FRAME } from './params.js';
import { perturbation, type VoicedRun } from './periods.js';
import { hnrFromClarity } from './pitch.js';

/** Voiced runs shorter than this (frames) are too short for cycle-to-cycle measures. */
const MIN_RUN_FOR_PERTURBATION = 3;
/** A voiced segment (speaking-rate proxy) needs at least this many consecutive voiced frames. */
const MIN_SEGMENT_FRAMES = 2;

const semitones = (hz: number): number => 12 * Math.log2(hz / 27.5);

function meanSd(values: ArrayLike<number>, n: number): { mean: number; sd: number } {
  if (n === 0) return { mean: 0, sd: 0 };
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - mean) ** 2;
  return { mean, sd: Math.sqrt(v / n) };
}

/** Percentile with linear interpolation between order statistics (sorted input). */
function percentile(sorted: Float64Array, p: number): number {
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Window functionals over frames [fromFrame, toFrame) of the store, plus jitter/shimmer from the window's
 * own samples (`samples[0]` is the first sample of frame `fromFrame`'s 25 ms span).
 */
export function windowFeatures(store: FrameStore, fromFrame: number, toFrame: number, samples: Float32Array): VoiceFeatures {
  const n = toFrame - fromFrame;
  const f0 = new Float64Array(n);
  const st = new Float64Array(n);
  const loud = new Float64Array(n);
  const hnr = new Float64Array(n);
  const alpha = new Float64Array(n);
  const ham = new Float64Array(n);
  const sA = new Float64Array(n);
  const sB = new Float64Array(n);
  const mfccSum = new Float64Array(MFCC_COEFFS);
  const mfccSq = new Float64Array(MFCC_COEFFS);
  let voiced = 0;
  let segments = 0;
  let runStart = -1;
  const runs: VoicedRun[] = [];
  const closeRun = (endFrame: number): void => {
    const len = endFrame - runStart;
    if (len >= MIN_SEGMENT_FRAMES) segments++;
    if (len >= MIN_RUN_FOR_PERTURBATION) {
      const track = new Float32Array(len);
      for (let j = 0; j < len; j++) track[j] = store.f0[store.slot(fromFrame + runStart + j)];
      // Pitch frame of relative frame k spans [k·hop + 25 ms − 32 ms, k·hop + 25 ms) in window samples.
      const lead = PITCH_FRAME - SPECTRUM_FRAME;
      runs.push({
        from: Math.max(0, runStart * FRAME_HOP - lead),
        to: Math.min(samples.length, (endFrame - 1) * FRAME_HOP + SPECTRUM_FRAME),
        f0: track,
        firstCentre: runStart * FRAME_HOP + SPECTRUM_FRAME - PITCH_FRAME / 2,
        frameHop: FRAME_HOP,
      });
    }
    runStart = -1;
  };
  for (let i = 0; i < n; i++) {
    const s = store.slot(fromFrame + i);
    loud[i] = store.loudness[s];
    for (let c = 0; c < MFCC_COEFFS; c++) {
      const v = store.mfcc[s * MFCC_COEFFS + c];
      mfccSum[c] += v;
      mfccSq[c] += v * v;
    }
    const hz = store.f0[s];
    if (hz > 0) {
      f0[voiced] = hz;
      st[voiced] = semitones(hz);
      hnr[voiced] = hnrFromClarity(store.clarity[s]);
      alpha[voiced] = store.alphaRatio[s];
      ham[voiced] = store.hammarberg[s];
      sA[voiced] = store.slope0to500[s];
      sB[voiced] = store.slope500to1500[s];
      voiced++;
      if (runStart < 0) runStart = i;
    } else if (runStart >= 0) closeRun(i);
  }
  if (runStart >= 0) closeRun(n);

  const mfccMean: number[] = [];
  const mfccSd: number[] = [];
  for (let c = 0; c < MFCC_COEFFS; c++) {
    const m = n ? mfccSum[c] / n : 0;
    mfccMean.push(m);
    mfccSd.push(n ? Math.sqrt(Math.max(0, mfccSq[c] / n - m * m)) : 0);
  }
  const loudStats = meanSd(loud, n);
  const orNull = (x: number): number | null => (voiced > 0 && Number.isFinite(x) ? x : null);
  let rangeSt: number | null = null;
  if (voiced > 0) {
    const sorted = st.slice(0, voiced).sort();
    rangeSt = percentile(sorted, 0.8) - percentile(sorted, 0.2);
  }
  const pert = perturbation(samples, runs);
  const seconds = (n * FRAME_HOP) / SAMPLE_RATE;
  return {
    f0MeanHz: orNull(meanSd(f0, voiced).mean),
    f0SdSemitones: orNull(meanSd(st, voiced).sd),
    f0RangeSemitones: rangeSt,
    loudnessMean: loudStats.mean,
    loudnessSd: loudStats.sd,
    jitterLocal: pert.jitterLocal,
    shimmerLocalDb: pert.shimmerLocalDb,
    hnrDb: orNull(meanSd(hnr, voiced).mean),
    alphaRatioDb: orNull(meanSd(alpha, voiced).mean),
    hammarbergDb: orNull(meanSd(ham, voiced).mean),
    slope0to500: orNull(meanSd(sA, voiced).mean),
    slope500to1500: orNull(meanSd(sB, voiced).mean),
    mfccMean,
    mfccSd,
    voicedRatio: n ? voiced / n : 0,
    voicedSegmentsPerSec: seconds > 0 ? segments / seconds : 0,
  };
}
