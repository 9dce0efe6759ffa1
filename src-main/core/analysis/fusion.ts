/**
 * Late fusion of one moment's face and voice estimates. Each modality's weight is its configured trust times
 * its reliability at that moment (face: the observation passed the quality thresholds, scaled by detector
 * score; voice: the window has speech, scaled by the speech probability). A modality that is absent or
 * unreliable has weight 0 and drops out; it is never counted as "neutral". With no weight at all the moment
 * has no estimate. A class one modality lacks (contempt: the voice models and seven-class face models have none)
 * is decided by the others; where no contributing modality has it, the fused value is NaN (no value, never 0).
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
  /** Probabilities in canonical order; null or NaN for a class the model lacks. */
  probs: ArrayLike<number | null>;
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
   * Probabilities in canonical order (null or NaN for a class the model lacks), or null when the window had no
   * estimate (no speech). The voice pipeline has already folded an eight-class model's "calm" into neutral
   * (src-shared/contract/voice.ts).
   */
  probs: ArrayLike<number | null> | null;
}

export interface FusedEstimate {
  /** Canonical order, summing to 1 over the classes with a value; NaN for a class no contributing modality has. */
  probs: Float64Array;
  /** Normalised weights: they sum to 1. */
  faceWeight: number;
  voiceWeight: number;
}

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

const has = (v: number | null | undefined): v is number => v !== null && v !== undefined && !Number.isNaN(v);

/**
 * A non-negative vector scaled to sum 1 over the classes it has (uniform when it sums to 0), so each modality adds
 * exactly its weight; NaN for the classes it lacks.
 */
function normalised(p: ArrayLike<number | null>): Float64Array {
  const out = new Float64Array(N);
  let s = 0;
  let k = 0;
  for (let i = 0; i < N; i++) {
    const v = p[i];
    out[i] = has(v) ? Math.max(0, v) : Number.NaN;
    if (has(v)) {
      s += out[i];
      k++;
    }
  }
  for (let i = 0; i < N; i++) if (!Number.isNaN(out[i])) out[i] = s > 0 ? out[i] / s : 1 / k;
  return out;
}

/**
 * What a modality says about a class it lacks: an even share of its probability (1 / its number of classes), so
 * the class is decided by the modalities that have it, and a modality's evidence for its own classes still counts
 * against it as against any class.
 */
function withShares(p: Float64Array): Float64Array {
  let k = 0;
  for (let i = 0; i < N; i++) if (!Number.isNaN(p[i])) k++;
  return p.map((v) => (Number.isNaN(v) ? 1 / k : v));
}

/** NaN where no part has the class; else the values, renormalised over the classes with a value. */
function maskAndNormalise(out: Float64Array, parts: Array<{ p: Float64Array }>): Float64Array {
  let s = 0;
  for (let i = 0; i < N; i++) {
    if (parts.every(({ p }) => Number.isNaN(p[i]))) out[i] = Number.NaN;
    else s += out[i];
  }
  for (let i = 0; i < N; i++) if (!Number.isNaN(out[i])) out[i] /= s;
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
  for (const { w, p } of parts) {
    const q = withShares(p);
    for (let i = 0; i < N; i++) out[i] += w * Math.log(Math.max(LOG_FLOOR, q[i]));
  }
  let max = -Infinity;
  for (let i = 0; i < N; i++) max = Math.max(max, out[i]);
  for (let i = 0; i < N; i++) out[i] = Math.exp(out[i] - max);
  return maskAndNormalise(out, parts);
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
  const parts: Array<{ w: number; p: Float64Array }> = [];
  if (wf > 0 && face) parts.push({ w: wf, p: normalised(face.probs) });
  if (wv > 0 && voice?.probs) parts.push({ w: wv, p: normalised(voice.probs) });
  for (const { w, p } of parts) {
    const q = withShares(p);
    for (let i = 0; i < N; i++) out[i] += (w / total) * q[i];
  }
  return { probs: maskAndNormalise(out, parts), faceWeight: wf / total, voiceWeight: wv / total };
}

/** Index of the largest probability (the first on a tie, so results do not depend on float noise order); classes without a value never win. */
export function argmax(p: ArrayLike<number | null>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if ((has(p[i]) ? p[i]! : -1) > (has(p[best]) ? p[best]! : -1)) best = i;
  return best;
}
