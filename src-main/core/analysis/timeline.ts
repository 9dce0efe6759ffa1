/**
 * The fused timeline: one row per grid step from the media start, built from time-ordered face and voice
 * observations (either may be empty). Steps: align → fuse (reliability-weighted) → smooth → valence/arousal.
 */
import type { FusionParams } from '../../../src-shared/analysis.js';
import { EMOTIONS, type Emotion } from '../../../src-shared/emotions.js';
import { valenceArousal } from '../../../src-shared/circumplex.js';
import { FaceAligner, VoiceAligner } from './align.js';
import { argmax, type FaceSample, fuseStep, type VoiceSample } from './fusion.js';
import { ExponentialSmoother } from './smoothing.js';

/** What the face side shows at a step: no face, a face that failed the quality checks, or a reliable one. */
export type FaceState = 'none' | 'unreliable' | 'reliable';

export interface FusedRow {
  tMs: number;
  /** Smoothed fused probabilities (canonical order), or null: no estimate at this step. */
  probs: Float64Array | null;
  dominant: Emotion | null;
  valence: number | null;
  arousal: number | null;
  faceWeight: number;
  voiceWeight: number;
  faceState: FaceState;
  /** Speech in the aligned voice window; null when no voice window covers this step (no audio there). */
  speech: boolean | null;
  faceRef: number | null;
  voiceRef: number | null;
}

/** Which modalities contributed, as written in CSV and shown in the UI: "face", "voice", "face+voice" or "". */
export function contributors(row: Pick<FusedRow, 'faceWeight' | 'voiceWeight'>): string {
  return [row.faceWeight > 0 ? 'face' : '', row.voiceWeight > 0 ? 'voice' : ''].filter(Boolean).join('+');
}

/** Grid times 0, step, 2·step … strictly before durationMs. */
export function gridLength(durationMs: number, stepMs: number): number {
  return Math.max(0, Math.ceil(durationMs / stepMs - 1e-9));
}

export function* fuseTimeline(
  faces: Iterable<FaceSample>,
  voices: Iterable<VoiceSample>,
  durationMs: number,
  params: FusionParams,
): Generator<FusedRow> {
  const fa = new FaceAligner(faces[Symbol.iterator](), params.faceToleranceMs);
  const va = new VoiceAligner(voices[Symbol.iterator]());
  const smoother = new ExponentialSmoother(params.halfLifeMs, params.smoothingResetMs);
  const n = gridLength(durationMs, params.gridStepMs);
  for (let i = 0; i < n; i++) {
    const tMs = i * params.gridStepMs;
    const face = fa.at(tMs);
    const voice = va.at(tMs);
    const fused = fuseStep(face, voice, params);
    const probs = smoother.push(tMs, fused ? fused.probs : null);
    const va2 = probs ? valenceArousal(probs) : null;
    yield {
      tMs,
      probs,
      dominant: probs ? EMOTIONS[argmax(probs)] : null,
      valence: va2 ? va2.valence : null,
      arousal: va2 ? va2.arousal : null,
      faceWeight: fused ? fused.faceWeight : 0,
      voiceWeight: fused ? fused.voiceWeight : 0,
      faceState: !face ? 'none' : face.reliable ? 'reliable' : 'unreliable',
      speech: voice ? voice.speech : null,
      faceRef: face ? face.ref : null,
      voiceRef: voice ? voice.ref : null,
    };
  }
}
