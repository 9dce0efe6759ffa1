/**
 * Session-level face geometry: blink rate, how far the head moved, mean AU intensities and "low facial mobility"
 * episodes, from the participant's per-frame samples in time order. Memory: the angles (for their percentiles)
 * and the mobility window.
 */
import type { LowMobilityRule } from '../../../../src-shared/analysis.js';
import { AU_NAMES, type AuName } from '../../../../src-shared/face-geometry.js';

export interface GeometrySampleIn {
  tMs: number;
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
  blink: boolean;
  au: Record<AuName, number>;
}

export interface MobilitySpan {
  startMs: number;
  endMs: number;
  durationMs: number;
  /** Mean mobility over the span. */
  meanMobility: number;
}

export interface GeometrySummary {
  /** Time with a measured face (frames no more than maxGapMs apart). */
  measuredMs: number;
  blinkCount: number;
  /** Per minute of measured time; null under 10 s measured. */
  blinkRatePerMin: number | null;
  /** 5th to 95th percentile range of each angle, degrees (robust to a few bad frames); null without samples. */
  yawRangeDeg: number | null;
  pitchRangeDeg: number | null;
  rollRangeDeg: number | null;
  meanAu: Record<AuName, number | null>;
  lowMobility: MobilitySpan[];
}

/** AUs whose movement counts as facial mobility: all but eye closure (blinks are not expression). */
export const MOBILITY_AUS: readonly AuName[] = AU_NAMES.filter((a) => a !== 'au43');

const MAX_GAP_MS = 500;

function range90(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
  return q(0.95) - q(0.05);
}

/**
 * Facial mobility of each sample: the mean over MOBILITY_AUS of the AU's standard deviation over the samples in
 * the trailing window (t − windowMs, t]; null until the window holds a second (or half the window) of samples.
 */
export class MobilityWindow {
  private readonly win: Array<{ tMs: number; au: Record<AuName, number> }> = [];
  private readonly sum = new Map<AuName, number>();
  private readonly sq = new Map<AuName, number>();

  constructor(private readonly windowMs: number) {
    this.clear();
  }

  private clear(): void {
    this.win.length = 0;
    for (const a of MOBILITY_AUS) this.sum.set(a, 0), this.sq.set(a, 0);
  }

  push(s: { tMs: number; au: Record<AuName, number> }): number | null {
    const win = this.win;
    // A gap (face lost) starts the window afresh, so mobility never spans time without a face.
    if (win.length && s.tMs - win[win.length - 1].tMs > MAX_GAP_MS) this.clear();
    win.push(s);
    for (const a of MOBILITY_AUS) this.sum.set(a, this.sum.get(a)! + s.au[a]), this.sq.set(a, this.sq.get(a)! + s.au[a] ** 2);
    while (s.tMs - win[0].tMs >= this.windowMs) {
      const old = win.shift()!;
      for (const a of MOBILITY_AUS) this.sum.set(a, this.sum.get(a)! - old.au[a]), this.sq.set(a, this.sq.get(a)! - old.au[a] ** 2);
    }
    const n = win.length;
    if (s.tMs - win[0].tMs < Math.min(1000, this.windowMs / 2) || n < 3) return null;
    let m = 0;
    for (const a of MOBILITY_AUS) {
      const mean = this.sum.get(a)! / n;
      m += Math.sqrt(Math.max(0, this.sq.get(a)! / n - mean * mean));
    }
    return m / MOBILITY_AUS.length;
  }
}

/** Stretches where mobility stays below the rule's limit (face measured throughout) for at least its minimum duration. */
export class LowMobilitySpans {
  readonly spans: MobilitySpan[] = [];
  private cur: { start: number; last: number; sum: number; n: number } | null = null;

  constructor(private readonly rule: LowMobilityRule) {}

  push(tMs: number, mobility: number | null): void {
    const low = mobility !== null && mobility < this.rule.maxMobility;
    if (this.cur && (!low || tMs - this.cur.last > MAX_GAP_MS)) this.finish();
    if (!low) return;
    this.cur ??= { start: tMs, last: tMs, sum: 0, n: 0 };
    this.cur.last = tMs;
    this.cur.sum += mobility!;
    this.cur.n++;
  }

  finish(): MobilitySpan[] {
    const c = this.cur;
    if (c && c.last - c.start >= this.rule.minDurationMs) this.spans.push({ startMs: c.start, endMs: c.last, durationMs: c.last - c.start, meanMobility: c.sum / c.n });
    this.cur = null;
    return this.spans;
  }
}

export function summariseGeometry(samples: Iterable<GeometrySampleIn>, rule: LowMobilityRule): GeometrySummary {
  const yaw: number[] = [];
  const pitch: number[] = [];
  const roll: number[] = [];
  const auSum = new Map<AuName, number>(AU_NAMES.map((a) => [a, 0]));
  let n = 0;
  let blinks = 0;
  let measuredMs = 0;
  let last: number | null = null;
  const window = new MobilityWindow(rule.windowMs);
  const spans = new LowMobilitySpans(rule);
  for (const s of samples) {
    if (last !== null && s.tMs - last <= MAX_GAP_MS) measuredMs += s.tMs - last;
    last = s.tMs;
    yaw.push(s.yawDeg);
    pitch.push(s.pitchDeg);
    roll.push(s.rollDeg);
    for (const a of AU_NAMES) auSum.set(a, auSum.get(a)! + s.au[a]);
    if (s.blink) blinks++;
    n++;
    if (rule.enabled) spans.push(s.tMs, window.push(s));
  }
  return {
    measuredMs,
    blinkCount: blinks,
    blinkRatePerMin: measuredMs >= 10_000 ? (blinks * 60_000) / measuredMs : null,
    yawRangeDeg: range90(yaw),
    pitchRangeDeg: range90(pitch),
    rollRangeDeg: range90(roll),
    meanAu: Object.fromEntries(AU_NAMES.map((a) => [a, n ? auSum.get(a)! / n : null])) as Record<AuName, number | null>,
    lowMobility: rule.enabled ? spans.finish() : [],
  };
}
