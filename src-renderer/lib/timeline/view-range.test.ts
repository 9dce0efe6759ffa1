import { describe, expect, it } from 'vitest';
import { clampRange, follow, MIN_SPAN_MS, msToX, panBy, xToMs, zoomAround } from './view-range.js';

const HOUR = 3_600_000;

describe('timeline view range', () => {
  it('zooms around the anchor, keeping it at the same place on screen', () => {
    const r = zoomAround({ fromMs: 0, toMs: HOUR }, 0.1, 1_800_000, HOUR);
    expect(r.toMs - r.fromMs).toBeCloseTo(HOUR * 0.1, 6);
    expect((1_800_000 - r.fromMs) / (r.toMs - r.fromMs)).toBeCloseTo(0.5, 9);
    const edge = zoomAround({ fromMs: 0, toMs: HOUR }, 0.5, 0, HOUR);
    expect(edge).toEqual({ fromMs: 0, toMs: HOUR / 2 });
  });

  it('never zooms below the minimum span or beyond the session', () => {
    const tight = zoomAround({ fromMs: 1000, toMs: 3000 }, 0.01, 2000, HOUR);
    expect(tight.toMs - tight.fromMs).toBe(MIN_SPAN_MS);
    expect(zoomAround({ fromMs: 0, toMs: 60_000 }, 10, 30_000, 60_000)).toEqual({ fromMs: 0, toMs: 60_000 });
  });

  it('pans within the session without changing the span', () => {
    expect(panBy({ fromMs: 0, toMs: 10_000 }, -5000, 60_000)).toEqual({ fromMs: 0, toMs: 10_000 });
    expect(panBy({ fromMs: 0, toMs: 10_000 }, 55_000, 60_000)).toEqual({ fromMs: 50_000, toMs: 60_000 });
    expect(clampRange({ fromMs: -10, toMs: 100 }, 1000)).toEqual({ fromMs: 0, toMs: 1000 });
  });

  it('pages forward when the playhead leaves the view while playing', () => {
    const r = { fromMs: 0, toMs: 10_000 };
    expect(follow(r, 5000, 60_000)).toBe(r);
    expect(follow(r, 10_050, 60_000)).toEqual({ fromMs: 10_050, toMs: 20_050 });
    expect(follow(r, 59_000, 60_000)).toEqual({ fromMs: 50_000, toMs: 60_000 });
  });

  it('converts between time and pixels both ways', () => {
    const r = { fromMs: 1000, toMs: 3000 };
    expect(msToX(2000, r, 400)).toBe(200);
    expect(xToMs(100, r, 400)).toBe(1500);
  });
});
