import { describe, expect, it } from 'vitest';
import { LatencyWindow, rateHz } from './latency-window.js';

describe('LatencyWindow', () => {
  it('reports median and 95th percentile of the recent samples only', () => {
    const w = new LatencyWindow(100);
    expect(w.summary()).toEqual({ count: 0, medianMs: null, p95Ms: null });
    for (let i = 1; i <= 100; i++) w.add(i);
    expect(w.summary()).toEqual({ count: 100, medianMs: 50, p95Ms: 95 });
    for (let i = 0; i < 100; i++) w.add(1000);
    expect(w.summary()).toEqual({ count: 200, medianMs: 1000, p95Ms: 1000 });
  });
});

describe('rateHz', () => {
  it('counts arrivals per second over the recent span and is 0 after a stall', () => {
    const times = Array.from({ length: 31 }, (_, i) => 1000 + i * 100);
    expect(rateHz(times, 4000)).toBeCloseTo(10, 5);
    expect(rateHz(times, 10_000)).toBe(0);
  });
});
