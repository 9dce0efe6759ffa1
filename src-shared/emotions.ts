/** Canonical emotion order used everywhere in the app (DESIGN.md). Models map into it via their manifest entry. */
export const EMOTIONS = ['neutral', 'happy', 'sad', 'surprise', 'fear', 'disgust', 'angry'] as const;
export type Emotion = (typeof EMOTIONS)[number];
/** Seven probabilities in canonical order. */
export type EmotionProbs = readonly number[];
