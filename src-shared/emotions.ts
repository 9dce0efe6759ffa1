/**
 * Canonical emotion order used everywhere in the app (DESIGN.md). Models map into it via their manifest entry.
 * `contempt` (FaceReader reports it; the FER+ face model gives it) comes last: a model without it gives no value
 * there (null in observations, NaN inside fusion, NULL in the database, an empty CSV cell), never a 0.
 */
export const EMOTIONS = ['neutral', 'happy', 'sad', 'surprise', 'fear', 'disgust', 'angry', 'contempt'] as const;
export type Emotion = (typeof EMOTIONS)[number];
/** The classes every emotion model gives (the seven before contempt); their probabilities are never missing. */
export const CORE_EMOTION_COUNT = 7;
/** Probabilities in canonical order; null where the model has no such class (contempt for most models). */
export type EmotionProbs = readonly (number | null)[];

/** Index of the largest probability that has a value (the first on a tie). */
export function topIndex(probs: ArrayLike<number | null>): number {
  let best = -1;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i];
    if (p !== null && p !== undefined && !Number.isNaN(p) && (best < 0 || p > (probs[best] as number))) best = i;
  }
  return Math.max(0, best);
}
