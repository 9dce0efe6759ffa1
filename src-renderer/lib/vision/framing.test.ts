import { describe, expect, it } from 'vitest';
import { adviceFor, faceGeometry, facePixels, FRAMING_THRESHOLDS, FramingSmoother, FramingTally, judgeFraming, type CheckResult } from './framing.js';

/** A W×H RGB frame filled by f(x, y) → gray level. */
function frame(w: number, h: number, f: (x: number, y: number) => number): Uint8Array {
  const px = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.fill(f(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3);
  return px;
}

const state = (r: CheckResult[]) => Object.fromEntries(r.map((c) => [c.id, c.state]));
const box = { x: 220, y: 120, w: 200, h: 240 };

describe('framing measures', () => {
  it('measure brightness, contrast and sharpness of the face box only', () => {
    const flat = facePixels(frame(640, 480, (x) => (x < 200 ? 250 : 90)), 640, 480, 3, box)!;
    expect(flat.mean).toBeCloseTo(90, 5);
    expect(flat.std).toBeCloseTo(0, 5);
    expect(flat.sharpness).toBeCloseTo(0, 5);
    // 8-pixel stripes: sharp; the same stripes averaged over 40 pixels (a blur) are much less so.
    const stripes = facePixels(frame(640, 480, (x) => (Math.floor(x / 8) % 2 ? 180 : 60)), 640, 480, 3, box)!;
    const blurred = facePixels(frame(640, 480, (x) => 120 + 60 * Math.sin((2 * Math.PI * x) / 80)), 640, 480, 3, box)!;
    expect(stripes.std).toBeGreaterThan(50);
    expect(stripes.sharpness).toBeGreaterThan(10 * blurred.sharpness);
  });

  it('speaks of face size in the analysis frame (short side at most 480 px)', () => {
    expect(faceGeometry({ x: 0, y: 0, w: 100, h: 200 }, 1280, 960).heightPx).toBeCloseTo(100);
    expect(faceGeometry({ x: 0, y: 0, w: 100, h: 200 }, 640, 480).heightPx).toBeCloseTo(200);
    expect(faceGeometry({ x: -50, y: 0, w: 100, h: 100 }, 640, 480).outside).toBeCloseTo(0.5);
  });
});

describe('framing verdicts and advice', () => {
  const good = { mean: 130, std: 37, sharpness: 300 };
  it('pass a well framed face and give one line of advice, most basic problem first', () => {
    const ok = judgeFraming(faceGeometry(box, 640, 480), good);
    expect(Object.values(state(ok)).every((s) => s === 'pass')).toBe(true);
    expect(adviceFor(ok)).toEqual(['good']);

    const smallDark = judgeFraming(faceGeometry({ x: 280, y: 200, w: 70, h: 80 }, 640, 480), { mean: 50, std: 15, sharpness: 60 });
    expect(state(smallDark)).toMatchObject({ present: 'pass', size: 'fail', centring: 'pass', brightness: 'fail', contrast: 'fail', sharpness: 'fail' });
    expect(adviceFor(smallDark)).toEqual(['closer', 'light-front']);

    expect(adviceFor(judgeFraming(faceGeometry({ x: 10, y: 100, w: 200, h: 240 }, 640, 480), good))).toEqual(['centre']);
    expect(adviceFor(judgeFraming(faceGeometry({ x: 150, y: 20, w: 380, h: 440 }, 640, 480), good))).toEqual(['further']);
    expect(adviceFor(judgeFraming(faceGeometry(box, 640, 480), { ...good, mean: 230 }))).toEqual(['less-light']);
    expect(adviceFor(judgeFraming(faceGeometry(box, 640, 480), { ...good, sharpness: FRAMING_THRESHOLDS.minSharpness - 1 }))).toEqual(['focus']);
  });

  it('without a face only "face found" is judged', () => {
    const none = judgeFraming(null, null);
    expect(state(none)).toEqual({ present: 'fail', size: 'unknown', centring: 'unknown', brightness: 'unknown', contrast: 'unknown', sharpness: 'unknown' });
    expect(adviceFor(none)).toEqual(['no-face']);
  });

  it('one odd frame does not flip an indicator', () => {
    const s = new FramingSmoother(5);
    const ok = judgeFraming(faceGeometry(box, 640, 480), good);
    const dark = judgeFraming(faceGeometry(box, 640, 480), { ...good, mean: 40 });
    for (let i = 0; i < 5; i++) s.update(ok);
    expect(state(s.update(dark)).brightness).toBe('pass');
    for (let i = 0; i < 3; i++) s.update(dark);
    expect(state(s.update(dark)).brightness).toBe('fail');
  });

  it('adds up the time each check failed, not counting a stalled preview\'s gap', () => {
    const t = new FramingTally(250);
    const ok = judgeFraming(faceGeometry(box, 640, 480), good);
    const none = judgeFraming(null, null);
    t.add(0, ok);
    t.add(100, none);
    t.add(300, ok);
    // A 2-second stall counts as 250 ms.
    t.add(2300, ok);
    t.close(2400);
    expect(t.totals.totalMs).toBe(100 + 200 + 250 + 100);
    expect(t.totals.failedMs.present).toBe(200);
    expect(t.totals.failedMs.size).toBe(0);
  });
});
