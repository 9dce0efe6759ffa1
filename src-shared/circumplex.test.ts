import { describe, expect, it } from 'vitest';
import { CIRCUMPLEX, valenceArousal } from './circumplex.js';
import { EMOTIONS, type Emotion } from './emotions.js';

const one = (e: Emotion): number[] => EMOTIONS.map((x) => (x === e ? 1 : 0));

describe('valence and arousal from class probabilities', () => {
  it('puts each class at its circumplex angle and neutral at the centre', () => {
    expect(valenceArousal(one('neutral'))).toEqual({ valence: 0, arousal: 0 });
    const happy = valenceArousal(one('happy'));
    expect(happy.valence).toBeCloseTo(Math.cos(Math.PI / 8), 12);
    expect(happy.arousal).toBeCloseTo(Math.sin(Math.PI / 8), 12);
    expect(valenceArousal(one('angry')).arousal).toBeGreaterThan(0.9);
    const sad = valenceArousal(one('sad'));
    expect(sad.valence).toBeLessThan(-0.9);
    expect(sad.arousal).toBeLessThan(0);
    // Every class but neutral lies on the unit circle: no class is made more intense than another.
    for (const e of EMOTIONS.filter((x) => x !== 'neutral')) expect(Math.hypot(CIRCUMPLEX[e].valence, CIRCUMPLEX[e].arousal)).toBeCloseTo(1, 12);
  });

  it('averages by probability, whatever the sum', () => {
    const mix = valenceArousal(EMOTIONS.map((e) => (e === 'happy' || e === 'sad' ? 0.5 : 0)));
    expect(mix.valence).toBeCloseTo((CIRCUMPLEX.happy.valence + CIRCUMPLEX.sad.valence) / 2, 12);
    expect(valenceArousal(one('fear').map((p) => p * 3))).toEqual(valenceArousal(one('fear')));
    expect(valenceArousal(EMOTIONS.map(() => 0))).toEqual({ valence: 0, arousal: 0 });
  });

  it('places contempt beside displeasure, and leaves a missing contempt out rather than counting it as 0', () => {
    const c = valenceArousal(one('contempt'));
    expect(c.valence).toBeLessThan(-0.9);
    expect(c.arousal).toBeGreaterThan(0);
    expect(c.arousal).toBeLessThan(CIRCUMPLEX.disgust.arousal);
    const withNull = valenceArousal([...one('happy').slice(0, 7), null]);
    expect(withNull).toEqual(valenceArousal(one('happy')));
    expect(valenceArousal([...one('sad').slice(0, 7), Number.NaN])).toEqual(valenceArousal(one('sad')));
  });

  it('places the calm part of neutral at relaxation (positive valence, low arousal)', () => {
    const r = valenceArousal(one('neutral'), 1);
    expect(r.valence).toBeCloseTo(Math.SQRT1_2, 12);
    expect(r.arousal).toBeCloseTo(-Math.SQRT1_2, 12);
  });
});
