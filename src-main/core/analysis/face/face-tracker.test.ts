import { describe, expect, it } from 'vitest';
import { FaceTracker } from './face-tracker.js';

const box = (x: number, y: number, s: number) => ({ x, y, w: s, h: s });

describe('FaceTracker', () => {
  it('keeps one ID per face while two faces move, and never swaps them', () => {
    const t = new FaceTracker();
    const ids: number[][] = [];
    for (let i = 0; i < 20; i++) {
      // Face A drifts right fast (half its size per frame at the end), face B drifts left slowly.
      const a = box(100 + i * i * 0.25, 100, 120);
      const b = box(450 - i * 3, 120, 80);
      ids.push(t.update(i * 100, i % 2 ? [b, a] : [a, b], 640, 480).map((x) => x.trackId));
    }
    const aIds = new Set(ids.map((p, i) => (i % 2 ? p[1] : p[0])));
    const bIds = new Set(ids.map((p, i) => (i % 2 ? p[0] : p[1])));
    expect([...aIds]).toEqual([1]);
    expect([...bIds]).toEqual([2]);
  });

  it('re-associates a face after a short gap, but gives a new ID after a long one', () => {
    const t = new FaceTracker({ minIou: 0.3, maxCentreDist: 0.6, maxGapMs: 1000 });
    expect(t.update(0, [box(100, 100, 100)], 640, 480)[0].trackId).toBe(1);
    expect(t.update(100, [], 640, 480)).toEqual([]);
    expect(t.update(800, [box(130, 110, 100)], 640, 480)[0].trackId).toBe(1);
    expect(t.update(2000, [box(130, 110, 100)], 640, 480)[0].trackId).toBe(2);
  });

  it('makes the largest, central face the participant and keeps it when a bigger face appears', () => {
    const t = new FaceTracker();
    const first = t.update(0, [box(20, 20, 60), box(260, 160, 150)], 640, 480);
    expect(first.map((a) => a.participant)).toEqual([false, true]);
    const second = t.update(100, [box(262, 160, 150), box(20, 20, 300)], 640, 480);
    expect(second[0]).toEqual({ trackId: first[1].trackId, participant: true });
    expect(second[1].participant).toBe(false);
  });
});
