import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '../../../../src-shared/emotions.js';
import { defaultModelFor, loadManifest } from '../../inference/manifest.js';
import { VoiceEmotionModel } from '../../inference/voice/voice-emotion-model.js';
import { valenceArousal } from './circumplex.js';

const oneHot = (i: number, n: number = EMOTIONS.length) => Array.from({ length: n }, (_, k) => (k === i ? 1 : 0));

describe('valence and arousal from class probabilities', () => {
  it('puts each class at its circumplex angle and neutral at the centre', () => {
    const at = (e: string) => valenceArousal(oneHot(EMOTIONS.indexOf(e as never)), null);
    expect(at('neutral')).toEqual({ valence: 0, arousal: 0 });
    expect(at('happy').valence).toBeCloseTo(Math.cos(Math.PI / 8));
    expect(at('happy').arousal).toBeCloseTo(Math.sin(Math.PI / 8));
    expect(at('angry').arousal).toBeGreaterThan(0.9);
    expect(at('sad').valence).toBeLessThan(-0.9);
    expect(at('sad').arousal).toBeLessThan(0);
  });

  it('places the calm part of neutral at relaxation (positive valence, low arousal)', () => {
    const r = valenceArousal(oneHot(0), 1);
    expect(r.valence).toBeCloseTo(Math.SQRT1_2);
    expect(r.arousal).toBeCloseTo(-Math.SQRT1_2);
  });
});

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
