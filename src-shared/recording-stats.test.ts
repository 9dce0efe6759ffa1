import { describe, expect, it } from 'vitest';
import { belowNominal, FrameCounter } from './recording-stats.js';

describe('recording statistics', () => {
  it('a camera keeping its 25 fps: nothing dropped, no long gaps, not flagged', () => {
    const c = new FrameCounter(25);
    for (let i = 0; i <= 250; i++) c.frame(i * 40, i + 1);
    const s = c.stats(10_000);
    expect(s).toMatchObject({ framesReceived: 251, framesExpected: 251, droppedFrames: 0, longestGapMs: 40, gapsOverLimit: 0 });
    expect(belowNominal(s)).toBe(false);
  });

  it('the recording from the report: 15.5 fps from a 25 fps camera with gaps over 100 ms is flagged', () => {
    const c = new FrameCounter(25);
    let t = 0;
    let n = 0;
    // 10 s: mostly 64 ms between frames, and every 30th frame comes 160 ms late.
    while (t < 10_000) {
      c.frame(t, ++n);
      t += n % 30 === 0 ? 160 : 60;
    }
    const s = c.stats(10_000);
    expect(s.measuredFps).toBeGreaterThan(14);
    expect(s.measuredFps).toBeLessThan(17);
    expect(s.droppedFrames).toBe(s.framesExpected - s.framesReceived);
    expect(s.droppedFrames).toBeGreaterThan(80);
    expect(s.gapsOverLimit).toBeGreaterThanOrEqual(5);
    expect(s.longestGapMs).toBe(160);
    expect(belowNominal(s)).toBe(true);
  });

  it('frames the page callback skipped still count as received; a camera that stopped is one long gap', () => {
    const c = new FrameCounter(30);
    for (let i = 0; i < 30; i++) c.frame(i * 100, i * 3 + 1); // every third frame seen, all presented
    const s = c.stats(2910);
    expect(s.framesReceived).toBe(88);
    expect(s.longestGapMs).toBeLessThan(40);
    const stopped = c.stats(5000);
    expect(stopped.longestGapMs).toBe(2100);
    expect(stopped.gapsOverLimit).toBe(1);
    expect(belowNominal(stopped)).toBe(true);
  });
});
