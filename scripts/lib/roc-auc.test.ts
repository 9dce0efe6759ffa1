import { describe, expect, it } from 'vitest';
import { rocAuc } from './roc-auc.js';

describe('rocAuc', () => {
  it('is 1 for perfect separation, 0 for reversed, 0.5 for all ties', () => {
    expect(rocAuc([3, 4, 5], [0, 1, 2])).toBe(1);
    expect(rocAuc([0, 1], [2, 3])).toBe(0);
    expect(rocAuc([0, 0, 0], [0, 0])).toBe(0.5);
  });
  it('matches the pairwise count with ties counting half', () => {
    const pos = [0.2, 0.5, 0.5, 0.9, 0, 0];
    const neg = [0.1, 0.5, 0, 0, 0.3];
    let s = 0;
    for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
    expect(rocAuc(pos, neg)).toBeCloseTo(s / (pos.length * neg.length), 12);
  });
});
