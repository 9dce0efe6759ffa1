import { describe, expect, it } from 'vitest';
import { downscaledSize, RateGate } from './frame-sampler.js';

describe('downscaledSize', () => {
  it('brings the short side down to 480 and keeps the aspect ratio, never upscaling', () => {
    expect(downscaledSize(1280, 720)).toEqual({ width: 853, height: 480 });
    expect(downscaledSize(1080, 1920)).toEqual({ width: 480, height: 853 });
    expect(downscaledSize(640, 480)).toEqual({ width: 640, height: 480 });
    expect(downscaledSize(320, 240)).toEqual({ width: 320, height: 240 });
  });
});

describe('RateGate', () => {
  const sampled = (gate: RateGate, ticks: number[]) => ticks.filter((t) => gate.take(t));

  it('takes 10 of 30 camera frames per second, evenly, despite jitter', () => {
    const ticks = Array.from({ length: 90 }, (_, i) => i * 33.3 + (i % 3 === 1 ? 4 : i % 3 === 2 ? -4 : 0));
    const got = sampled(new RateGate(10), ticks);
    expect(got).toHaveLength(30);
    const gaps = got.slice(1).map((t, i) => t - got[i]);
    expect(Math.min(...gaps)).toBeGreaterThan(60);
    expect(Math.max(...gaps)).toBeLessThan(140);
  });

  it('does not burst to catch up after a stall', () => {
    const gate = new RateGate(10);
    expect(sampled(gate, [0, 100, 200])).toEqual([0, 100, 200]);
    expect(sampled(gate, [1500, 1533, 1566, 1600, 1633, 1700])).toEqual([1500, 1600, 1700]);
  });
});
