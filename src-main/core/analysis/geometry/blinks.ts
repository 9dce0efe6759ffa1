/**
 * Blink events from a face's eye openness over time. The open-eye level is learnt per face (a high quantile of
 * the last seconds, since eyes are open most of the time), so people with narrower eyes are not always "closed".
 * The eyes count as closed below closeRatio × that level and open again above openRatio × it (hysteresis against
 * flicker); a closure that ends within maxBlinkMs is a blink, a longer one is an eye closure, not a blink.
 * Blinks last 100–400 ms, so they are only seen when frames are analysed at 10 Hz or more.
 */

export interface BlinkOptions {
  closeRatio: number;
  openRatio: number;
  maxBlinkMs: number;
  /** Open-eye level: this quantile of the openness over the last baselineMs. */
  baselineQuantile: number;
  baselineMs: number;
  /** No decision before this many frames have built the open-eye level. */
  minBaselineFrames: number;
  /** A gap between frames longer than this (face lost) ends any closure without a blink. */
  maxGapMs: number;
}

export const DEFAULT_BLINK: BlinkOptions = {
  closeRatio: 0.65,
  openRatio: 0.8,
  maxBlinkMs: 500,
  baselineQuantile: 0.75,
  baselineMs: 10_000,
  minBaselineFrames: 5,
  maxGapMs: 500,
};

export interface BlinkState {
  /** True on the frame at which a blink ended (the eyes reopened): one per blink. */
  blink: boolean;
  /** Eyes below the closed level on this frame. */
  closed: boolean;
  /** The open-eye level in use, or null while it is still being learnt. */
  openLevel: number | null;
}

export class BlinkDetector {
  private readonly history: Array<{ tMs: number; v: number }> = [];
  private closedSince: number | null = null;
  private lastMs: number | null = null;
  blinks = 0;
  /** Time covered by frames no further apart than maxGapMs: the denominator of the blink rate. */
  observedMs = 0;

  constructor(private readonly o: BlinkOptions = DEFAULT_BLINK) {}

  /** One frame's openness (mean of both eyes' aspect ratios); frames in time order. */
  push(tMs: number, openness: number): BlinkState {
    if (this.lastMs !== null) {
      const gap = tMs - this.lastMs;
      if (gap > this.o.maxGapMs || gap < 0) this.closedSince = null;
      else this.observedMs += gap;
    }
    this.lastMs = tMs;
    const level = this.openLevel(tMs);
    this.history.push({ tMs, v: openness });
    if (level === null || !Number.isFinite(openness)) return { blink: false, closed: false, openLevel: level };
    let blink = false;
    if (this.closedSince === null) {
      if (openness < this.o.closeRatio * level) this.closedSince = tMs;
    } else if (openness > this.o.openRatio * level) {
      blink = tMs - this.closedSince <= this.o.maxBlinkMs;
      if (blink) this.blinks++;
      this.closedSince = null;
    }
    return { blink, closed: this.closedSince !== null, openLevel: level };
  }

  /** Blinks per minute over the observed time, or null before 10 s have been observed. */
  ratePerMin(): number | null {
    return this.observedMs >= 10_000 ? (this.blinks * 60_000) / this.observedMs : null;
  }

  private openLevel(tMs: number): number | null {
    while (this.history.length && tMs - this.history[0].tMs > this.o.baselineMs) this.history.shift();
    const vs = this.history.map((h) => h.v).filter(Number.isFinite);
    if (vs.length < this.o.minBaselineFrames) return null;
    vs.sort((a, b) => a - b);
    return vs[Math.min(vs.length - 1, Math.floor(this.o.baselineQuantile * vs.length))];
  }
}
