import { describe, expect, it } from 'vitest';
import { raterVsModel, raterVsRater, sampleTier, NO_LABEL, modelLabel } from './agreement-grid.js';
import { cohensKappa, confusionMatrix } from './kappa.js';
import type { Segment } from './segments.js';

const seg = (startMs: number, endMs: number, label: string): Segment => ({ id: `${startMs}`, startMs, endMs, label, note: '' });
const probs = (i: number) => [0, 1, 2, 3, 4, 5, 6, 7].map((k) => (k === i ? 0.65 : 0.05));

describe('sampling tiers on a time grid', () => {
  it('reads the label at each instant with half-open bounds', () => {
    const tier = [seg(1000, 2000, 'sad'), seg(0, 1000, 'happy')];
    expect(sampleTier(tier, [0, 999, 1000, 1999, 2000])).toEqual(['happy', 'happy', 'sad', 'sad', null]);
  });
});

describe('rater vs rater', () => {
  it('counts only instants both raters labelled, and reports the rest', () => {
    const a = [seg(0, 1000, 'happy'), seg(1000, 2000, 'sad')];
    const b = [seg(0, 1500, 'happy'), seg(2000, 2500, 'sad')];
    const r = raterVsRater(a, b, { stepMs: 100 });
    // 0–1000 happy/happy (10), 1000–1500 sad/happy (5), 1500–2000 only A (5), 2000–2500 only B (5).
    const c = confusionMatrix(r.pairs, ['happy', 'sad']);
    expect(c.matrix).toEqual([[10, 0], [5, 0]]);
    expect(r.skipped).toMatchObject({ onlyA: 5, onlyB: 5 });
  });

  it('optionally counts unlabelled time as its own category, but never time neither labelled', () => {
    const a = [seg(0, 500, 'happy')];
    const b = [seg(0, 200, 'happy'), seg(1000, 1200, 'sad')];
    const r = raterVsRater(a, b, { stepMs: 100, includeUnlabelled: true });
    const c = confusionMatrix(r.pairs, ['happy', 'sad', NO_LABEL]);
    expect(c.n).toBe(2 + 3 + 2);
    expect(c.matrix[0][2]).toBe(3);
    expect(c.matrix[2][1]).toBe(2);
  });

  it('gives kappa 1 for identical tiers', () => {
    const a = [seg(0, 700, 'happy'), seg(700, 1500, 'sad')];
    expect(cohensKappa(confusionMatrix(raterVsRater(a, a).pairs)).kappa).toBe(1);
  });
});

describe('rater vs model on the fused grid', () => {
  it('uses the most probable emotion where reliable, skipping unreliable rows and non-model labels', () => {
    const rater = [seg(0, 300, 'happy'), seg(300, 500, 'unclear')];
    const model = [
      { tMs: 0, probs: probs(1), reliable: true },
      { tMs: 100, probs: probs(2), reliable: true },
      { tMs: 200, probs: probs(1), reliable: false },
      { tMs: 300, probs: probs(1), reliable: true },
      { tMs: 400, probs: null, reliable: false },
      { tMs: 600, probs: probs(1), reliable: true },
    ];
    const r = raterVsModel(rater, model);
    expect(r.pairs).toEqual([['happy', 'happy'], ['happy', 'sad']]);
    expect(r.skipped).toMatchObject({ modelUnreliable: 1, notModelClass: 2 });
    expect(modelLabel({ tMs: 0, probs: probs(6), reliable: true })).toBe('angry');
    expect(modelLabel({ tMs: 0, probs: probs(7), reliable: true })).toBe('contempt');
    // A model without contempt: no value there, the seven others decide.
    expect(modelLabel({ tMs: 0, probs: [...probs(3).slice(0, 7), null], reliable: true })).toBe('surprise');
  });
});
