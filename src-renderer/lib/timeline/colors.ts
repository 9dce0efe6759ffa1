import { EMOTIONS, type Emotion } from '../../../src-shared/emotions.js';
import type { AuName } from '../../../src-shared/face-geometry.js';

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
};

const EXTRA = ['#56b4e9', '#b59a00', '#6b8e23', '#a0522d', '#4682b4', '#c71585', '#2f4f4f', '#8b4513'];

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
