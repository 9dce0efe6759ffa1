import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src-shared/seeded-random.js';
import { fitLogistic, solve } from './logistic.js';

describe('logistic regression', () => {
  it('solves a linear system', () => {
    const x = solve([[2, 1, 0], [1, 3, 1], [0, 1, 4]], [3, 9.5, 14]);
    expect(x.map((v) => Number(v.toFixed(9)))).toEqual([0.5, 2, 3]);
  });

  it('recovers the direction that separates two classes, in the features own units, ignoring a useless feature', () => {
    const rnd = mulberry32(7);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const cls = i % 2;
      // Feature 0 (in mm) carries the class, feature 1 (in km) does not: unit-variance classes at ±0.5 give true
      // log-odds of exactly x0 (a weight of 1 per unit, 0.001 per mm).
      const x0 = gauss() + (cls ? 0.5 : -0.5);
      X.push([x0 * 1000, gauss() * 0.001]);
      y.push(cls);
    }
    const fit = fitLogistic(X, y, 0.01);
    // 4000 samples: the estimate's standard error is about 0.04.
    expect(Math.abs(fit.weights[0] * 1000 - 1)).toBeLessThan(0.15);
    expect(Math.abs(fit.weights[1] * 0.001)).toBeLessThan(0.1);
  });
});
