/**
 * One colour per emotion, the same on the curves, the overlay, the label blocks and the report. Chosen to stay
 * apart for the common colour-vision deficiencies (Okabe–Ito based), with neutral in grey.
 */
import type { Emotion } from '../emotions.js';

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

export const VALENCE_COLOR = '#2e7d32';
export const AROUSAL_COLOR = '#c2185b';
