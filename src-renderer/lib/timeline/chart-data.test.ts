import { describe, expect, it } from 'vitest';
import type { Series } from '../../../src-shared/contract/review.js';
import { seriesPoints, valueAt } from './chart-data.js';

const raw: Series = { t: [0, 100, 200], mean: [[0.1, null, 0.3]], min: null, max: null, bucketMs: null, points: 3 };
const buckets: Series = { t: [500, 1500, 2500], mean: [[0.2, null, 0.5]], min: [[0.1, null, 0.4]], max: [[0.9, null, 0.6]], bucketMs: 1000, points: 300 };

describe('chart points from timeline series', () => {
  it('plots raw points as they are, with gaps where a value is missing', () => {
    expect(seriesPoints(raw, 0, 'lines')).toEqual([{ x: 0, y: 0.1 }, { x: 100, y: null }, { x: 200, y: 0.3 }]);
  });

  it('plots each bucket’s minimum and maximum, so a one-sample peak reaches its height', () => {
    const p = seriesPoints(buckets, 0, 'lines');
    expect(p.map((x) => x.y)).toContain(0.9);
    expect(p.map((x) => x.y)).toContain(0.1);
    expect(p.filter((x) => x.y === null)).toHaveLength(1);
    expect(p.every((x, i) => i === 0 || x.x >= p[i - 1].x)).toBe(true);
  });

  it('plots bucket means for stacked areas', () => {
    expect(seriesPoints(buckets, 0, 'stacked').map((x) => x.y)).toEqual([0.2, null, 0.5]);
  });

  it('reads the value under the playhead, and nothing in a gap or far from any point', () => {
    expect(valueAt(raw, 0, 10)).toBe(0.1);
    expect(valueAt(raw, 0, 110)).toBeNull();
    expect(valueAt(buckets, 0, 2400)).toBe(0.5);
    expect(valueAt(raw, 0, 5000)).toBeNull();
    expect(valueAt(null, 0, 0)).toBeNull();
  });
});
