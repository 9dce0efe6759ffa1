import { EMOTIONS, type Emotion } from '../../../src-shared/emotions.js';
import type { AuName } from '../../../src-shared/face-geometry.js';
import { EMOTION_COLORS } from '../../../src-shared/report/palette.js';

// The palette lives with the report, which draws the same colours in the PDF.
export { AROUSAL_COLOR, EMOTION_COLORS, VALENCE_COLOR } from '../../../src-shared/report/palette.js';

const EXTRA = ['#56b4e9', '#b59a00', '#6b8e23', '#a0522d', '#4682b4', '#c71585', '#2f4f4f', '#5f9ea0'];

/** Colour of a vocabulary label: the emotion's colour for emotion labels, else a stable pick by position. */
export function labelColor(label: string, vocabulary: readonly string[]): string {
  if ((EMOTIONS as readonly string[]).includes(label)) return EMOTION_COLORS[label as Emotion];
  if (label === 'unclear') return '#9e9e9e';
  const i = Math.max(0, vocabulary.indexOf(label));
  return EXTRA[i % EXTRA.length];
}

export const NO_ESTIMATE_FILL = 'rgba(120, 120, 120, 0.18)';

/** AU estimate curves: Okabe–Ito colours again (eight AUs), so they stay apart for colour-vision deficiencies. */
export const AU_COLORS: Record<AuName, string> = {
  au01_02: '#cc79a7',
  au04: '#d55e00',
  au06_12: '#e69f00',
  au15: '#0072b2',
  au20: '#009e73',
  au25: '#56b4e9',
  au26: '#7b5fb5',
  au43: '#000000',
};

export const POSE_COLORS: Record<'yaw' | 'pitch' | 'roll', string> = { yaw: '#d32f2f', pitch: '#388e3c', roll: '#1976d2' };
