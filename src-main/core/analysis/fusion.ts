/**
 * Late fusion of one moment's face and voice estimates. Each modality's weight is its configured trust times
 * its reliability at that moment (face: the observation passed the quality thresholds, scaled by detector
 * score; voice: the window has speech, scaled by the speech probability). A modality that is absent or
 * unreliable has weight 0 and drops out; it is never counted as "neutral". With no weight at all the moment
 * has no estimate.
 */
import type { FusionParams } from '../../../src-shared/analysis.js';
import { EMOTIONS } from '../../../src-shared/emotions.js';

const N = EMOTIONS.length;

export interface FaceBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One face observation of the participant, as fusion needs it. */
export interface FaceSample {
  tMs: number;
  /** face_obs.id, carried into the fused row so the export can show the observation it came from. */
  ref: number | null;
  trackId: number | null;
  box: FaceBox | null;
  reliable: boolean;
  /** 0..1: how much to trust this observation when reliable (the detector score). */
  quality: number;
  /** Seven probabilities in canonical order. */
  probs: ArrayLike<number>;
}

/** One voice window. Windows overlap; alignment picks the one centred nearest each grid step. */
export interface VoiceSample {
  startMs: number;
  endMs: number;
  /** The window's start (voice_obs is keyed by run and start), carried into the fused row for the export. */
  ref: number | null;
  speech: boolean;
  /** 0..1 speech probability of the window, when the detector gives one. */
  speechProb: number | null;
  /**
   * Seven probabilities in canonical order, or null when the window had no estimate (no speech). The voice
   * pipeline has already folded an eight-class model's "calm" into neutral (src-shared/contract/voice.ts).
   */
  probs: ArrayLike<number> | null;
}

export interface FusedEstimate {
  probs: Float64Array;
  /** Normalised weights: they sum to 1. */
  faceWeight: number;
  voiceWeight: number;
}

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/** A non-negative vector scaled to sum 1 (uniform when it sums to 0), so each modality adds exactly its weight. */
function normalised(p: ArrayLike<number>): Float64Array {
  const out = new Float64Array(N);
  let s = 0;
  for (let i = 0; i < N; i++) {
    out[i] = Math.max(0, p[i] ?? 0);
    s += out[i];
  }
  for (let i = 0; i < N; i++) out[i] = s > 0 ? out[i] / s : 1 / N;
  return out;
}

export function faceWeightOf(face: FaceSample | null, params: Pick<FusionParams, 'faceWeight'>): number {
  if (!face || !face.reliable) return 0;
  return params.faceWeight * clamp01(face.quality);
}

export function voiceWeightOf(voice: VoiceSample | null, params: Pick<FusionParams, 'voiceWeight'>): number {
  if (!voice || !voice.speech || !voice.probs) return 0;
  return params.voiceWeight * (voice.speechProb === null ? 1 : clamp01(voice.speechProb));
}

/** Probabilities below this count as this much in the log-linear rule, so one modality cannot veto a class outright. */
const LOG_FLOOR = 1e-4;

/**
 * Log-linear pool: each present modality's probabilities raised to its weight, multiplied, renormalised. With
 * face and voice independent given the emotion and calibrated, weights of 1 give the posterior of both (up to the
 * class prior); smaller weights temper an overconfident modality, and a weight below 1 for a lone modality
 * flattens its estimate by its reliability.
 */
function logLinear(parts: Array<{ w: number; p: Float64Array }>): Float64Array {
  const out = new Float64Array(N);
  for (const { w, p } of parts) for (let i = 0; i < N; i++) out[i] += w * Math.log(Math.max(LOG_FLOOR, p[i]));
  let max = -Infinity;
  for (let i = 0; i < N; i++) max = Math.max(max, out[i]);
  let s = 0;
  for (let i = 0; i < N; i++) {
    out[i] = Math.exp(out[i] - max);
    s += out[i];
  }
  for (let i = 0; i < N; i++) out[i] /= s;
  return out;
}

/** Fuses one moment; null when neither modality is reliable ("no estimate"). */
export function fuseStep(
  face: FaceSample | null,
  voice: VoiceSample | null,
  params: Pick<FusionParams, 'faceWeight' | 'voiceWeight' | 'rule'>,
): FusedEstimate | null {
  const wf = faceWeightOf(face, params);
  const wv = voiceWeightOf(voice, params);
  const total = wf + wv;
  if (!(total > 0)) return null;
  if (params.rule === 'log-linear') {
    const parts: Array<{ w: number; p: Float64Array }> = [];
    if (wf > 0 && face) parts.push({ w: wf, p: normalised(face.probs) });
    if (wv > 0 && voice?.probs) parts.push({ w: wv, p: normalised(voice.probs) });
    return { probs: logLinear(parts), faceWeight: wf / total, voiceWeight: wv / total };
  }
  const out = new Float64Array(N);
  if (wf > 0 && face) {
    const pf = normalised(face.probs);
    for (let i = 0; i < N; i++) out[i] += (wf / total) * pf[i];
  }
  if (wv > 0 && voice?.probs) {
    const pv = normalised(voice.probs);
    for (let i = 0; i < N; i++) out[i] += (wv / total) * pv[i];
  }
  return { probs: out, faceWeight: wf / total, voiceWeight: wv / total };
}

/** Index of the largest probability (the first on a tie, so results do not depend on float noise order). */
export function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}
