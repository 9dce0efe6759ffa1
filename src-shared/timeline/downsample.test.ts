import { describe, expect, it } from 'vitest';
import { downsample, lowerBound, missingSpans } from './downsample.js';

function ramp(n: number, stepMs: number, f: (i: number) => number) {
  const t = Float64Array.from({ length: n }, (_, i) => i * stepMs);
  return { t, channels: [Float64Array.from({ length: n }, (_, i) => f(i))] };
}

describe('display downsampling', () => {
  it('returns the points themselves, plus one neighbour each side, when they fit the display', () => {
    const cols = ramp(100, 100, (i) => i / 100);
    const s = downsample(cols, 1000, 2000, 50);
    expect(s.bucketMs).toBeNull();
    expect(s.points).toBe(10);
    expect(s.t).toEqual([900, 1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, 2000]);
    expect(s.mean[0][1]).toBe(0.1);
  });

  it('keeps a one-sample peak visible in an hour of 10 Hz data squeezed into 1000 columns', () => {
    const n = 36_000;
    const cols = ramp(n, 100, (i) => (i === 12_345 ? 0.99 : 0.1));
    const s = downsample(cols, 0, n * 100, 1000);
    expect(s.bucketMs).toBe(3600);
    expect(s.t).toHaveLength(1000);
    expect(Math.max(...(s.max![0] as number[]))).toBe(0.99);
    // Every point is counted exactly once: the bucket means average back to the overall mean.
    const meanOfMeans = (s.mean[0] as number[]).reduce((a, b) => a + b, 0) / 1000;
    expect(meanOfMeans).toBeCloseTo((0.1 * (n - 1) + 0.99) / n, 4);
    const k = Math.floor((12_345 * 100) / 3600);
    expect(s.max![0][k]).toBe(0.99);
    expect(s.min![0][k]).toBe(0.1);
  });

  it('leaves empty buckets and missing values as null, never as zero', () => {
    const t = Float64Array.from([0, 10, 20, 5000, 5010]);
    const v = Float64Array.from([0.5, NaN, 0.7, 0.2, 0.4]);
    const s = downsample({ t, channels: [v] }, 0, 6000, 2);
    expect(s.bucketMs).toBe(3000);
    expect(s.mean[0]).toEqual([0.6, 0.3]);
    const sparse = downsample({ t, channels: [v] }, 0, 6000, 10);
    expect(sparse.bucketMs).toBeNull();
    expect(sparse.mean[0][1]).toBeNull();
  });

  it('finds range starts by binary search', () => {
    expect(lowerBound([0, 10, 20], 10)).toBe(1);
    expect(lowerBound([0, 10, 20], 11)).toBe(2);
    expect(lowerBound([0, 10, 20], 99)).toBe(3);
  });
});

describe('spans without an estimate', () => {
  const t = [0, 100, 200, 300, 400, 500, 800, 900];
  const present = new Set([0, 1, 4, 5, 7]);

  it('covers missing steps and skipped grid time, and the time after the last step', () => {
    expect(missingSpans(t, (i) => present.has(i), 100, 0, 1200)).toEqual([
      { startMs: 200, endMs: 400 },
      { startMs: 600, endMs: 900 },
      { startMs: 1000, endMs: 1200 },
    ]);
  });

  it('clips to the view and merges spans closer than the merge distance', () => {
    expect(missingSpans(t, (i) => present.has(i), 100, 250, 950)).toEqual([
      { startMs: 250, endMs: 400 },
      { startMs: 600, endMs: 900 },
    ]);
    expect(missingSpans(t, (i) => present.has(i), 100, 0, 1000, 250)).toEqual([{ startMs: 200, endMs: 900 }]);
  });

  it('marks the whole view when nothing was analysed there', () => {
    expect(missingSpans([], () => true, 100, 0, 500)).toEqual([{ startMs: 0, endMs: 500 }]);
  });
});
