import { EMOTIONS, type Emotion } from '../../../../src-shared/emotions.js';

/**
 * Valence and arousal as the probability-weighted mean position of the classes on Russell's (1980)
 * circumplex: each class sits on the unit circle at an angle (0° pleasure, 90° arousal, 180° displeasure,
 * 270° sleepiness), neutral at the centre. Angles and the reasons for them are in docs/voice-features.md.
 */
export const CIRCUMPLEX_DEGREES: Readonly<Record<Emotion | 'calm', number | null>> = {
  neutral: null,
  happy: 22.5,
  surprise: 67.5,
  angry: 112.5,
  fear: 135,
  disgust: 157.5,
  sad: 202.5,
  calm: 315,
};

const rad = (deg: number): number => (deg * Math.PI) / 180;

/**
 * `probs` in canonical order (calm already folded into neutral); `calm` is the part of neutral that the
 * model called calm, placed at relaxation (315°) instead of the centre.
 */
export function valenceArousal(probs: readonly number[], calm: number | null): { valence: number; arousal: number } {
  let valence = 0;
  let arousal = 0;
  EMOTIONS.forEach((e, i) => {
    const deg = CIRCUMPLEX_DEGREES[e];
    if (deg === null) return;
    valence += probs[i] * Math.cos(rad(deg));
    arousal += probs[i] * Math.sin(rad(deg));
  });
  if (calm !== null && calm > 0) {
    const deg = CIRCUMPLEX_DEGREES.calm as number;
    valence += calm * Math.cos(rad(deg));
    arousal += calm * Math.sin(rad(deg));
  }
  return { valence, arousal };
}
