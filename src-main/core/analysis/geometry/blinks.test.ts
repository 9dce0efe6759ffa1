import { describe, expect, it } from 'vitest';
import { BlinkDetector } from './blinks.js';

/** Openness at 30 fps: open at 0.3 with a little noise, closed (0.05) over the given spans. */
function sequence(seconds: number, closures: Array<[number, number]>, fps = 30): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < seconds * fps; i++) {
    const t = (i * 1000) / fps;
    const closed = closures.some(([a, b]) => t >= a && t < b);
    out.push([t, closed ? 0.05 : 0.3 + 0.01 * Math.sin(i)]);
  }
  return out;
}

describe('BlinkDetector', () => {
  it('counts short closures as blinks, once each, at the frame the eyes reopen', () => {
    const d = new BlinkDetector();
    const marks: number[] = [];
    for (const [t, v] of sequence(20, [[2000, 2150], [6000, 6300], [12000, 12100]])) if (d.push(t, v).blink) marks.push(t);
    expect(d.blinks).toBe(3);
    expect(marks.map((t) => Math.round(t / 1000))).toEqual([2, 6, 12]);
    expect(d.ratePerMin()).toBeCloseTo((3 * 60) / 20, 0);
  });

  it('does not count a long eye closure as a blink', () => {
    const d = new BlinkDetector();
    for (const [t, v] of sequence(12, [[3000, 5000]])) d.push(t, v);
    expect(d.blinks).toBe(0);
  });

  it('learns the open level per face: narrow but open eyes are not closed', () => {
    const d = new BlinkDetector();
    let closedFrames = 0;
    for (const [t, v] of sequence(12, [])) if (d.push(t, v * 0.5).closed) closedFrames++;
    expect(closedFrames).toBe(0);
  });

  it('ends a closure without a blink when the face is lost for a while', () => {
    const d = new BlinkDetector();
    for (const [t, v] of sequence(3, [[2500, 3000]])) d.push(t, v);
    // Face back 2 s later with eyes open: not a blink.
    d.push(5000, 0.3);
    expect(d.blinks).toBe(0);
  });

  it('has no rate before 10 s of face', () => {
    const d = new BlinkDetector();
    for (const [t, v] of sequence(5, [[1000, 1100]])) d.push(t, v);
    expect(d.ratePerMin()).toBeNull();
  });
});
