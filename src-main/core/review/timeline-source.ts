/**
 * What the Review view reads from an analysis run, as columns (one typed array per value) so an hour of
 * observations stays compact and can be cached while the user zooms and pans.
 */
import type { OverlayFrame } from '../../../src-shared/contract/review.js';
import type { Emotion } from '../../../src-shared/emotions.js';

export interface ReviewRun {
  id: number;
  mode: 'live' | 'offline';
  status: string;
  startedAt: string;
  /** Fused grid step of the run's parameters, ms. */
  gridStepMs: number;
}

export interface ProbColumns {
  /** Increasing times, ms. */
  t: Float64Array;
  /** Seven arrays in canonical order; NaN where there is no (reliable) value. */
  probs: Float64Array[];
}

export interface FusedColumns extends ProbColumns {
  valence: Float64Array;
  arousal: Float64Array;
}

/** The participant's face geometry per observation: AU estimates (AU_NAMES order) and yaw, pitch, roll. */
export interface GeometryColumns {
  t: Float64Array;
  au: Float64Array[];
  pose: Float64Array[];
}

export interface EpisodeMark {
  emotion: Emotion;
  startMs: number;
  endMs: number;
  meanProbability: number;
  peakProbability: number;
}

export interface TimelineSource {
  /** Runs of a session, newest first. */
  runs(sessionId: number): ReviewRun[];
  fused(runId: number): FusedColumns;
  /** The participant's face: reliable observations carry probabilities, unreliable ones NaN (a gap). */
  face(runId: number): ProbColumns;
  /** Voice windows with speech, at each window's centre. */
  voice(runId: number): ProbColumns;
  /** The participant's face geometry; null when the run has none (mesh off, audio only, a run made before it). */
  geometry(runId: number): GeometryColumns | null;
  episodes(runId: number): EpisodeMark[];
  /** Every face of every analysed frame in [fromMs, toMs), for the video overlay. */
  overlay(runId: number, fromMs: number, toMs: number): OverlayFrame[];
  /** Times of the first analysed frames of a run (for the frame rate when the container does not say). */
  frameTimes(runId: number, limit: number): number[];
}
