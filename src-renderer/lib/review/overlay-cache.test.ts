import { describe, expect, it } from 'vitest';
import type { OverlayFrame } from '../../../src-shared/contract/review.js';
import { containRect } from './draw-overlay.js';
import { CHUNK_MS, OverlayCache } from './overlay-cache.js';

const frame = (tMs: number): OverlayFrame => ({ tMs, faces: [] });

describe('overlay cache', () => {
  it('loads the chunk around the playhead and the next one, once each, and finds the nearest frame', async () => {
    const asked: Array<[number, number]> = [];
    const cache = new OverlayCache(async (a, b) => {
      asked.push([a, b]);
      const out: OverlayFrame[] = [];
      for (let t = a; t < b; t += 1000 / 30) out.push(frame(Math.round(t * 1000) / 1000));
      return out;
    });
    await cache.ensure(12_345);
    await cache.ensure(12_400);
    expect(asked).toEqual([[CHUNK_MS, 2 * CHUNK_MS], [2 * CHUNK_MS, 3 * CHUNK_MS]]);
    expect(cache.frameAt(10_007, 20)?.tMs).toBe(10_000);
    expect(cache.frameAt(10_020, 20)?.tMs).toBeCloseTo(10_033.333, 3);
    // Not loaded (chunk 0), or no frame within the tolerance: nothing to draw.
    expect(cache.frameAt(500, 20)).toBeUndefined();
    expect(cache.frameAt(10_016, 1)).toBeUndefined();
  });

  it('retries a chunk whose request failed', async () => {
    let calls = 0;
    const cache = new OverlayCache(async (a) => {
      calls++;
      if (calls === 1) throw new Error('offline');
      return [frame(a)];
    });
    await cache.ensure(0);
    expect(cache.frameAt(0, 5)).toBeUndefined();
    await cache.ensure(0);
    expect(cache.frameAt(0, 5)?.tMs).toBe(0);
  });
});

describe('video content rectangle', () => {
  it('letterboxes a 4:3 video in a wide element and pillarboxes it in a tall one', () => {
    expect(containRect(320, 240, 800, 300)).toEqual({ x: 200, y: 0, w: 400, h: 300 });
    expect(containRect(320, 240, 320, 480)).toEqual({ x: 0, y: 120, w: 320, h: 240 });
  });
});
