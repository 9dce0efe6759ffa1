import { describe, expect, it } from 'vitest';
import { addConfusions, cohensKappa, confusionMatrix, type Confusion, kappaBand } from './kappa.js';

const m = (categories: string[], matrix: number[][]): Confusion => ({ categories, matrix, n: matrix.flat().reduce((a, b) => a + b, 0) });

/** Expands a 2×2 table into the item-by-item label pairs it summarises, to go through confusionMatrix too. */
function pairsFrom(c: Confusion): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  c.categories.forEach((a, i) => c.categories.forEach((b, j) => {
    for (let k = 0; k < c.matrix[i][j]; k++) out.push([a, b]);
  }));
  return out;
}

describe("Cohen's kappa", () => {
  it('is 1 when the raters agree on every item', () => {
    const r = cohensKappa(confusionMatrix([['happy', 'happy'], ['sad', 'sad'], ['sad', 'sad'], ['angry', 'angry']]));
    expect(r).toEqual({ kappa: 1, observed: 1, expected: 0.375, n: 4 });
  });

  it('is 0 when agreement is exactly what the raters’ own frequencies predict', () => {
    // Each rater says yes half the time, independently: pₒ = pₑ = 0.5.
    const r = cohensKappa(m(['yes', 'no'], [[25, 25], [25, 25]]));
    expect(r.observed).toBe(0.5);
    expect(r.expected).toBe(0.5);
    expect(r.kappa).toBe(0);
  });

  it('matches the worked example on Wikipedia (50 grant proposals: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no)', () => {
    // https://en.wikipedia.org/wiki/Cohen%27s_kappa — pₒ = 0.7, pₑ = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4.
    const table = m(['yes', 'no'], [[20, 5], [10, 15]]);
    const r = cohensKappa(confusionMatrix(pairsFrom(table), ['yes', 'no']));
    expect(r.n).toBe(50);
    expect(r.observed).toBeCloseTo(0.7, 12);
    expect(r.expected).toBeCloseTo(0.5, 12);
    expect(r.kappa).toBeCloseTo(0.4, 12);
  });

  it('matches Wikipedia’s two “same agreement, different kappa” tables (κ = 0.1304 and 0.2593)', () => {
    const first = cohensKappa(m(['yes', 'no'], [[45, 15], [25, 15]]));
    expect(first.observed).toBeCloseTo(0.6, 12);
    expect(first.expected).toBeCloseTo(0.54, 12);
    expect(first.kappa).toBeCloseTo(0.1304, 4);
    const second = cohensKappa(m(['yes', 'no'], [[25, 35], [5, 35]]));
    expect(second.expected).toBeCloseTo(0.46, 12);
    expect(second.kappa).toBeCloseTo(0.2593, 4);
  });

  it('handles three categories (hand computed)', () => {
    // Rows A, columns B, n = 30. Diagonal 8 + 6 + 6 = 20 → pₒ = 2/3.
    // A marginals 12, 9, 9; B marginals 10, 10, 10 → pₑ = (12·10 + 9·10 + 9·10)/900 = 1/3.
    // κ = (2/3 − 1/3)/(1 − 1/3) = 0.5.
    const r = cohensKappa(m(['happy', 'sad', 'neutral'], [[8, 2, 2], [1, 6, 2], [1, 2, 6]]));
    expect(r.n).toBe(30);
    expect(r.observed).toBeCloseTo(2 / 3, 12);
    expect(r.expected).toBeCloseTo(1 / 3, 12);
    expect(r.kappa).toBeCloseTo(0.5, 12);
  });

  it('is negative when the raters systematically disagree', () => {
    expect(cohensKappa(m(['yes', 'no'], [[0, 5], [5, 0]])).kappa).toBe(-1);
  });

  it('is undefined (null) with no items, or when both raters used one and the same category only', () => {
    expect(cohensKappa(confusionMatrix([])).kappa).toBeNull();
    const one = cohensKappa(confusionMatrix([['sad', 'sad'], ['sad', 'sad']]));
    expect(one.kappa).toBeNull();
    expect(one.observed).toBe(1);
    expect(kappaBand(one.kappa)).toBe('undefined');
  });

  it('keeps the given category order and appends unknown labels without dropping any pair', () => {
    const c = confusionMatrix([['happy', 'sad'], ['unclear', 'happy']], ['neutral', 'happy', 'sad']);
    expect(c.categories).toEqual(['neutral', 'happy', 'sad', 'unclear']);
    expect(c.matrix[1][2]).toBe(1);
    expect(c.matrix[3][1]).toBe(1);
    expect(c.n).toBe(2);
  });

  it('pools sessions by adding their matrices over the union of categories', () => {
    const s1 = confusionMatrix([['happy', 'happy'], ['sad', 'happy']]);
    const s2 = confusionMatrix([['angry', 'angry'], ['happy', 'happy']]);
    const pooled = addConfusions([s1, s2], ['happy', 'sad', 'angry']);
    expect(pooled.n).toBe(4);
    expect(pooled.matrix).toEqual([[2, 0, 0], [1, 0, 0], [0, 0, 1]]);
    // Pooling the matrices equals computing kappa on all pairs at once.
    const all = confusionMatrix([['happy', 'happy'], ['sad', 'happy'], ['angry', 'angry'], ['happy', 'happy']], ['happy', 'sad', 'angry']);
    expect(cohensKappa(pooled).kappa).toBeCloseTo(cohensKappa(all).kappa as number, 12);
  });

  it('reads values in Landis & Koch words', () => {
    expect(kappaBand(0.4)).toBe('fair');
    expect(kappaBand(0.41)).toBe('moderate');
    expect(kappaBand(0.95)).toBe('almostPerfect');
    expect(kappaBand(-0.1)).toBe('poor');
  });
});
