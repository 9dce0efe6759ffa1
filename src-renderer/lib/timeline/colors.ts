import { EMOTIONS, type Emotion } from '../../../src-shared/emotions.js';
import { EMOTION_COLORS } from '../../../src-shared/report/palette.js';

// The palette lives with the report, which draws the same colours in the PDF.
export { AROUSAL_COLOR, EMOTION_COLORS, VALENCE_COLOR } from '../../../src-shared/report/palette.js';

const EXTRA = ['#56b4e9', '#b59a00', '#6b8e23', '#a0522d', '#4682b4', '#c71585', '#2f4f4f', '#8b4513'];

/** Colour of a vocabulary label: the emotion's colour for emotion labels, else a stable pick by position. */
export function labelColor(label: string, vocabulary: readonly string[]): string {
  if ((EMOTIONS as readonly string[]).includes(label)) return EMOTION_COLORS[label as Emotion];
  if (label === 'unclear') return '#9e9e9e';
  const i = Math.max(0, vocabulary.indexOf(label));
  return EXTRA[i % EXTRA.length];
}

export const NO_ESTIMATE_FILL = 'rgba(120, 120, 120, 0.18)';
