import { EMOTIONS } from '../../../src-shared/emotions.js';

/**
 * Where each emotion class sits on Russell's circumplex (valence: unpleasant −1 … pleasant +1; arousal:
 * deactivated −1 … activated +1). Coordinates follow the placement of the category labels in Russell (1980)
 * and Posner, Russell & Peterson (2005), rounded to one decimal; neutral is the origin. Valence and arousal of a
 * moment are the probability-weighted mean of these points, so a spread-out distribution lands near the middle
 * rather than on one class's corner. docs/csv.md repeats this table for CSV readers.
 */
export const CIRCUMPLEX: Readonly<Record<(typeof EMOTIONS)[number], { valence: number; arousal: number }>> = {
  neutral: { valence: 0, arousal: 0 },
  happy: { valence: 0.8, arousal: 0.5 },
  sad: { valence: -0.7, arousal: -0.4 },
  surprise: { valence: 0.2, arousal: 0.8 },
  fear: { valence: -0.6, arousal: 0.7 },
  disgust: { valence: -0.7, arousal: 0.3 },
  angry: { valence: -0.6, arousal: 0.8 },
};

const V = EMOTIONS.map((e) => CIRCUMPLEX[e].valence);
const A = EMOTIONS.map((e) => CIRCUMPLEX[e].arousal);

/** Valence and arousal of a canonical-order probability vector (normalised here, so a sum ≠ 1 does not skew it). */
export function valenceArousal(probs: ArrayLike<number>): { valence: number; arousal: number } {
  let s = 0;
  let v = 0;
  let a = 0;
  for (let i = 0; i < V.length; i++) {
    const p = probs[i];
    s += p;
    v += p * V[i];
    a += p * A[i];
  }
  return s > 0 ? { valence: v / s, arousal: a / s } : { valence: 0, arousal: 0 };
}
