import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../../../../src-shared/emotions.js';
import { defaultModelFor, loadManifest } from '../manifest.js';
import { VoiceEmotionModel } from './voice-emotion-model.js';

const oneHot = (i: number, n: number = EMOTIONS.length) => Array.from({ length: n }, (_, k) => (k === i ? 1 : 0));

describe('the shipped voice model maps into the canonical order', () => {
  const entry = defaultModelFor(loadManifest(), 'voice-emotion');
  const model = new VoiceEmotionModel({ run: async () => ({}) }, entry);

  it('sends each of its classes to the canonical class of the same name, calm into neutral', () => {
    model.labels.forEach((label, i) => {
      const { probs, calm } = model.toCanonical(oneHot(i, model.labels.length));
      const target = label === 'calm' ? 'neutral' : label;
      expect(probs[(EMOTIONS as readonly string[]).indexOf(target)]).toBeCloseTo(1);
      expect(calm).toBe(label === 'calm' ? 1 : 0);
    });
  });
});
