/**
 * Session-level figures from the fused timeline, accumulated row by row (constant memory). Shares are of grid
 * steps, i.e. of time: "dominant share" and "mean probability" are over the steps that have an estimate
 * (a moment without one says nothing about emotion); coverage shares are over all steps of the analysed media.
 */
import { EMOTIONS, type Emotion } from '../../../src-shared/emotions.js';
import type { FaceState } from './timeline.js';

export interface SummaryStep {
  /** Canonical order; null or NaN for a class without a value at this step (contempt from no contributing model). */
  probs: ArrayLike<number | null> | null;
  dominant: Emotion | null;
  faceState: FaceState;
  speech: boolean | null;
}

export interface EmotionFigures {
  /** Share (0..1) of estimated time with this emotion dominant; null without any estimate. */
  dominantShare: number | null;
  /**
   * Mean fused probability over estimated time; null without any estimate. For a class not every model gives
   * (contempt), over the estimated time in which it had a value; null when it never had one.
   */
  meanProbability: number | null;
}

export interface TimelineSummary {
  steps: number;
  stepsWithEstimate: number;
  coverage: { faceReliable: number | null; facePresent: number | null; speech: number | null; anyEstimate: number | null };
  emotions: Record<Emotion, EmotionFigures>;
}

export class SummaryAccumulator {
  private steps = 0;
  private estimated = 0;
  private faceReliable = 0;
  private facePresent = 0;
  private speech = 0;
  private readonly dominant = new Float64Array(EMOTIONS.length);
  private readonly probSum = new Float64Array(EMOTIONS.length);
  private readonly probSteps = new Float64Array(EMOTIONS.length);

  add(s: SummaryStep): void {
    this.steps++;
    if (s.faceState !== 'none') this.facePresent++;
    if (s.faceState === 'reliable') this.faceReliable++;
    if (s.speech) this.speech++;
    if (!s.probs || !s.dominant) return;
    this.estimated++;
    this.dominant[EMOTIONS.indexOf(s.dominant)]++;
    for (let i = 0; i < EMOTIONS.length; i++) {
      const p = s.probs[i];
      if (p === null || p === undefined || Number.isNaN(p)) continue;
      this.probSum[i] += p;
      this.probSteps[i]++;
    }
  }

  result(): TimelineSummary {
    const share = (n: number, of: number): number | null => (of > 0 ? n / of : null);
    return {
      steps: this.steps,
      stepsWithEstimate: this.estimated,
      coverage: {
        faceReliable: share(this.faceReliable, this.steps),
        facePresent: share(this.facePresent, this.steps),
        speech: share(this.speech, this.steps),
        anyEstimate: share(this.estimated, this.steps),
      },
      emotions: Object.fromEntries(
        EMOTIONS.map((e, i) => [e, { dominantShare: share(this.dominant[i], this.estimated), meanProbability: share(this.probSum[i], this.probSteps[i]) }]),
      ) as Record<Emotion, EmotionFigures>,
    };
  }
}
