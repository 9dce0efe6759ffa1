import { EMOTIONS, type Emotion } from './emotions.js';

/**
 * The one placement of the emotion classes on Russell's circumplex, used for every valence and arousal the
 * app shows or stores (fused timeline, Review, CSV, live voice). Russell (1980, "A circumplex model of
 * affect", J. Pers. Soc. Psychol. 39:1161–1178) scales affect words onto a circle with anchors at pleasure
 * 0°, excitement 45°, arousal 90°, distress 135°, displeasure 180°, depression 225°, sleepiness 270° and
 * relaxation 315°. Each class sits on that unit circle at an angle read off the anchors (the paper has no
 * word for disgust, contempt or neutral: disgust goes between distress and displeasure, contempt next to displeasure
 * (as unpleasant, less aroused than disgust), neutral at the centre); calm,
 * which the voice model gives and the canonical set folds into neutral, sits at relaxation. The reasons for
 * each angle are in docs/voice-features.md; docs/csv.md repeats the coordinates for CSV readers.
 */
export const CIRCUMPLEX_DEGREES: Readonly<Record<Emotion | 'calm', number | null>> = {
  neutral: null,
  happy: 22.5,
  sad: 202.5,
  surprise: 67.5,
  fear: 135,
  disgust: 157.5,
  angry: 112.5,
  contempt: 170,
  calm: 315,
};

const rad = (deg: number): number => (deg * Math.PI) / 180;
const point = (deg: number | null) => (deg === null ? { valence: 0, arousal: 0 } : { valence: Math.cos(rad(deg)), arousal: Math.sin(rad(deg)) });

/** Valence (unpleasant −1 … pleasant +1) and arousal (deactivated −1 … activated +1) of each class. */
export const CIRCUMPLEX: Readonly<Record<Emotion | 'calm', { valence: number; arousal: number }>> = Object.fromEntries(
  Object.entries(CIRCUMPLEX_DEGREES).map(([k, deg]) => [k, point(deg)]),
) as Record<Emotion | 'calm', { valence: number; arousal: number }>;

const V = EMOTIONS.map((e) => CIRCUMPLEX[e].valence);
const A = EMOTIONS.map((e) => CIRCUMPLEX[e].arousal);

/**
 * The probability-weighted mean position of a canonical-order distribution (normalised here, so a sum ≠ 1
 * does not skew it); a spread-out distribution lands near the centre rather than on one class's point.
 * `calm`: the part of neutral that a model called calm, placed at relaxation instead of the centre. A class
 * without a value (null or NaN: contempt from a model without it) takes no part.
 */
export function valenceArousal(probs: ArrayLike<number | null>, calm: number | null = null): { valence: number; arousal: number } {
  let s = 0;
  let v = 0;
  let a = 0;
  for (let i = 0; i < V.length; i++) {
    const p = probs[i];
    if (p === null || p === undefined || Number.isNaN(p)) continue;
    s += p;
    v += p * V[i];
    a += p * A[i];
  }
  if (calm) {
    v += calm * CIRCUMPLEX.calm.valence;
    a += calm * CIRCUMPLEX.calm.arousal;
  }
  return s > 0 ? { valence: v / s, arousal: a / s } : { valence: 0, arousal: 0 };
}
