import { describe, expect, it } from 'vitest';
import { frameGaps, intervalsOf } from './frame-gaps.js';

const gaps = (times: number[]) => frameGaps(times.length, intervalsOf(times));

describe('frameGaps', () => {
  it('counts the frames missing from a 10 Hz sequence, tolerating jitter', () => {
    const times = [0, 100, 205, 298, 400, /* 500, 600 lost */ 700, 800, /* 900 lost */ 1000];
    expect(gaps(times)).toEqual({ analysed: 8, dropped: 3, intervalMs: 102 });
  });

  it('says nothing is missing from an even sequence, and nothing at all without two frames', () => {
    expect(gaps(Array.from({ length: 50 }, (_, i) => i * 33.3667)).dropped).toBe(0);
    expect(gaps([12])).toEqual({ analysed: 1, dropped: 0, intervalMs: null });
    expect(gaps([])).toEqual({ analysed: 0, dropped: 0, intervalMs: null });
  });
});
