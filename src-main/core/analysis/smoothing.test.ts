import { describe, expect, it } from 'vitest';
import { ExponentialSmoother } from './smoothing.js';

describe('ExponentialSmoother', () => {
  it('moves halfway to a new value after one half-life', () => {
    const s = new ExponentialSmoother(500, 5000);
    s.push(0, [1, 0]);
    const r = s.push(500, [0, 1])!;
    expect(r[0]).toBeCloseTo(0.5, 12);
    expect(r[1]).toBeCloseTo(0.5, 12);
    // Two steps of 250 ms equal one step of 500 ms: time-aware, not sample-count based.
    const s2 = new ExponentialSmoother(500, 5000);
    s2.push(0, [1, 0]);
    s2.push(250, [0, 1]);
    expect(s2.push(500, [0, 1])![0]).toBeCloseTo(0.5, 12);
  });

  it('gives the old state less weight across a gap and restarts after a long one', () => {
    const s = new ExponentialSmoother(500, 2000);
    s.push(0, [1, 0]);
    expect(s.push(100, null)).toBeNull();
    expect(s.push(1000, [0, 1])![0]).toBeCloseTo(0.25, 12);
    const s2 = new ExponentialSmoother(500, 2000);
    s2.push(0, [1, 0]);
    expect(Array.from(s2.push(2100, [0, 1])!)).toEqual([0, 1]);
  });

  it('passes values through when the half-life is 0 and refuses time going backwards', () => {
    const s = new ExponentialSmoother(0, 2000);
    s.push(0, [1, 0]);
    expect(Array.from(s.push(100, [0, 1])!)).toEqual([0, 1]);
    expect(() => s.push(50, [1, 0])).toThrow(/out of order/);
  });

  it('leaves a class without a value (NaN) empty, renormalises over the others, and restarts it from its next value', () => {
    const s = new ExponentialSmoother(500, 5000);
    s.push(0, [0.5, 0.3, 0.2]);
    const gap = s.push(500, [0.6, 0.4, Number.NaN])!;
    expect(Number.isNaN(gap[2])).toBe(true);
    expect(gap[0] + gap[1]).toBeCloseTo(1, 12);
    expect(gap[0] / gap[1]).toBeCloseTo(0.55 / 0.35, 12);
    const back = s.push(1000, [0.2, 0.2, 0.6])!;
    expect(back[2]).toBeGreaterThan(0.3); // the new value, not mixed with a missing one
    expect(back.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
