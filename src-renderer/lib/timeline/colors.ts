import { EMOTIONS, type Emotion } from '../../../src-shared/emotions.js';

/**
 * One colour per emotion, the same on the curves, the overlay and the label blocks. Chosen to stay apart for
 * the common colour-vision deficiencies (Okabe–Ito based), with neutral in grey.
 */
export const EMOTION_COLORS: Record<Emotion, string> = {
  neutral: '#8c8c8c',
  happy: '#e69f00',
  sad: '#0072b2',
  surprise: '#cc79a7',
  fear: '#7b5fb5',
  disgust: '#009e73',
  angry: '#d55e00',
  contempt: '#8b4513',
};

const EXTRA = ['#56b4e9', '#b59a00', '#6b8e23', '#a0522d', '#4682b4', '#c71585', '#2f4f4f', '#5f9ea0'];

/** Colour of a vocabulary label: the emotion's colour for emotion labels, else a stable pick by position. */
export function labelColor(label: string, vocabulary: readonly string[]): string {
  if ((EMOTIONS as readonly string[]).includes(label)) return EMOTION_COLORS[label as Emotion];
  if (label === 'unclear') return '#9e9e9e';
  const i = Math.max(0, vocabulary.indexOf(label));
  return EXTRA[i % EXTRA.length];
}

export const VALENCE_COLOR = '#2e7d32';
export const AROUSAL_COLOR = '#c2185b';
export const NO_ESTIMATE_FILL = 'rgba(120, 120, 120, 0.18)';
