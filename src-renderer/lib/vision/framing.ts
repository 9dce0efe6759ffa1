/**
 * Framing checks for the camera preview: is there a face, is it big enough for the emotion classifier, is it
 * centred, is it lit well (brightness, contrast) and sharp. The thresholds were calibrated on real clips with
 * scripts/calibrate-framing.ts; docs/framing.md has the measurements and the reasoning, change both together.
 *
 * Sizes are in "analysis pixels": the frame scaled so its short side is at most 480 px, as the main process
 * sees it (src-shared/contract/face.ts MAX_LIVE_SHORT_SIDE), so the size check speaks of what the classifier
 * gets.
 */
import type { Box } from '../../../src-shared/box.js';
import { MAX_LIVE_SHORT_SIDE } from '../../../src-shared/contract/face.js';

export const CHECK_IDS = ['present', 'size', 'centring', 'brightness', 'contrast', 'sharpness'] as const;
export type CheckId = (typeof CHECK_IDS)[number];
export type CheckState = 'pass' | 'fail' | 'unknown';

export type { Box };

/** Side of the gray face crop the pixel measures are taken on (the size the main process's quality uses). */
export const CROP = 64;

export interface FaceGeometry {
  /** Face box height in analysis pixels. */
  heightPx: number;
  /** Face box height as a fraction of the frame height. */
  heightFrac: number;
  /** Face centre minus frame centre, as fractions of the frame's width and height (-0.5..0.5). */
  dx: number;
  dy: number;
  /** Share of the face box that lies outside the frame (0 = fully inside). */
  outside: number;
}

export interface FacePixels {
  /** Mean gray level of the face crop, 0..255. */
  mean: number;
  /** Standard deviation of the gray levels (contrast), 0..255. */
  std: number;
  /** Variance of the 4-neighbour Laplacian of the CROP×CROP gray crop (0..255 scale). */
  sharpness: number;
}

export interface FramingThresholds {
  /** Face box height in analysis pixels: at least this. */
  minHeightPx: number;
  /** ... and at most this fraction of the frame height (closer cuts off chin or forehead). */
  maxHeightFrac: number;
  /** Face centre within ± this fraction of the frame from its centre, horizontally and vertically. */
  maxOffset: number;
  /** Share of the box that may lie outside the frame. */
  maxOutside: number;
  minMean: number;
  maxMean: number;
  minStd: number;
  minSharpness: number;
}

/** Calibrated in docs/framing.md. */
export const FRAMING_THRESHOLDS: FramingThresholds = {
  minHeightPx: 100,
  maxHeightFrac: 0.75,
  maxOffset: 0.25,
  maxOutside: 0.05,
  minMean: 70,
  maxMean: 200,
  minStd: 24,
  minSharpness: 100,
};

export type Advice =
  | 'no-face'
  | 'closer'
  | 'further'
  | 'centre'
  | 'light-front'
  | 'less-light'
  | 'contrast'
  | 'focus'
  | 'good';

/** The scale that brings a width × height picture's short side down to `maxShort` (never up). */
export function shortSideScale(width: number, height: number, maxShort: number): number {
  return Math.min(1, maxShort / Math.min(width, height));
}

/** Scale from video pixels to analysis pixels. */
export function analysisScale(width: number, height: number): number {
  return shortSideScale(width, height, MAX_LIVE_SHORT_SIDE);
}

export function faceGeometry(box: Box, frameW: number, frameH: number): FaceGeometry {
  const ix = Math.max(0, Math.min(box.x + box.w, frameW) - Math.max(box.x, 0));
  const iy = Math.max(0, Math.min(box.y + box.h, frameH) - Math.max(box.y, 0));
  const area = box.w * box.h;
  return {
    heightPx: box.h * analysisScale(frameW, frameH),
    heightFrac: box.h / frameH,
    dx: (box.x + box.w / 2) / frameW - 0.5,
    dy: (box.y + box.h / 2) / frameH - 0.5,
    outside: area > 0 ? 1 - (ix * iy) / area : 1,
  };
}

/**
 * Gray CROP×CROP crop of the box (clamped to the frame) from packed RGBA or RGB pixels, by area averaging,
 * then its mean, standard deviation and Laplacian variance.
 */
export function facePixels(px: Uint8Array | Uint8ClampedArray, width: number, height: number, channels: 3 | 4, box: Box): FacePixels | null {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(width, box.x + box.w);
  const y1 = Math.min(height, box.y + box.h);
  if (x1 - x0 < 2 || y1 - y0 < 2) return null;
  const gray = new Float32Array(CROP * CROP);
  const sx = (x1 - x0) / CROP;
  const sy = (y1 - y0) / CROP;
  for (let cy = 0; cy < CROP; cy++) {
    const ya = Math.floor(y0 + cy * sy);
    const yb = Math.max(ya + 1, Math.floor(y0 + (cy + 1) * sy));
    for (let cx = 0; cx < CROP; cx++) {
      const xa = Math.floor(x0 + cx * sx);
      const xb = Math.max(xa + 1, Math.floor(x0 + (cx + 1) * sx));
      let sum = 0;
      let n = 0;
      for (let y = ya; y < yb && y < height; y++) {
        let i = (y * width + xa) * channels;
        for (let x = xa; x < xb && x < width; x++, i += channels) {
          sum += 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
          n++;
        }
      }
      gray[cy * CROP + cx] = n ? sum / n : 0;
    }
  }
  let mean = 0;
  for (const g of gray) mean += g;
  mean /= gray.length;
  let varSum = 0;
  for (const g of gray) varSum += (g - mean) ** 2;
  let lapMean = 0;
  let lapSq = 0;
  let n = 0;
  for (let y = 1; y < CROP - 1; y++) {
    for (let x = 1; x < CROP - 1; x++) {
      const i = y * CROP + x;
      const l = gray[i - 1] + gray[i + 1] + gray[i - CROP] + gray[i + CROP] - 4 * gray[i];
      lapMean += l;
      lapSq += l * l;
      n++;
    }
  }
  lapMean /= n;
  return { mean, std: Math.sqrt(varSum / gray.length), sharpness: lapSq / n - lapMean * lapMean };
}

export interface CheckResult {
  id: CheckId;
  state: CheckState;
  /** What to do when this check fails. */
  advice: Advice;
}

/** The participant's face: the largest box (the main process picks the same way). */
export function participantBox<T extends { box: Box }>(faces: T[]): T | null {
  let best: T | null = null;
  for (const f of faces) if (!best || f.box.w * f.box.h > best.box.w * best.box.h) best = f;
  return best;
}

/** Judges one frame. Without a face, the other checks are 'unknown' (nothing to measure). */
export function judgeFraming(geom: FaceGeometry | null, pixels: FacePixels | null, t: FramingThresholds = FRAMING_THRESHOLDS): CheckResult[] {
  const r = (id: CheckId, state: CheckState, advice: Advice): CheckResult => ({ id, state, advice });
  if (!geom) return [r('present', 'fail', 'no-face'), ...CHECK_IDS.slice(1).map((id) => r(id, 'unknown', 'good'))];
  const tooSmall = geom.heightPx < t.minHeightPx;
  const tooBig = geom.heightFrac > t.maxHeightFrac;
  const out: CheckResult[] = [r('present', 'pass', 'good')];
  out.push(r('size', tooSmall || tooBig ? 'fail' : 'pass', tooSmall ? 'closer' : tooBig ? 'further' : 'good'));
  const offCentre = Math.abs(geom.dx) > t.maxOffset || Math.abs(geom.dy) > t.maxOffset || geom.outside > t.maxOutside;
  out.push(r('centring', offCentre ? 'fail' : 'pass', offCentre ? 'centre' : 'good'));
  if (!pixels) return [...out, r('brightness', 'unknown', 'good'), r('contrast', 'unknown', 'good'), r('sharpness', 'unknown', 'good')];
  const dark = pixels.mean < t.minMean;
  const bright = pixels.mean > t.maxMean;
  out.push(r('brightness', dark || bright ? 'fail' : 'pass', dark ? 'light-front' : bright ? 'less-light' : 'good'));
  out.push(r('contrast', pixels.std < t.minStd ? 'fail' : 'pass', pixels.std < t.minStd ? 'contrast' : 'good'));
  out.push(r('sharpness', pixels.sharpness < t.minSharpness ? 'fail' : 'pass', pixels.sharpness < t.minSharpness ? 'focus' : 'good'));
  return out;
}

/**
 * The advice for one line: the failing checks' advice in CHECK_IDS order (most basic first), at most two
 * (the first is what to fix first), or 'good' alone when nothing fails.
 */
export function adviceFor(results: CheckResult[]): Advice[] {
  const out: Advice[] = [];
  for (const id of CHECK_IDS) {
    const c = results.find((x) => x.id === id);
    if (c?.state === 'fail' && !out.includes(c.advice)) out.push(c.advice);
  }
  return out.length ? out.slice(0, 2) : ['good'];
}

/**
 * Steadies the per-frame verdicts: a check shows 'fail' when most of its recent known verdicts failed, so
 * one odd frame does not make the indicators flicker.
 */
export class FramingSmoother {
  private readonly recent = new Map<CheckId, CheckState[]>();
  constructor(private readonly window = 10) {}

  update(results: CheckResult[]): CheckResult[] {
    return results.map((r) => {
      const list = this.recent.get(r.id) ?? [];
      if (r.state !== 'unknown') {
        list.push(r.state);
        if (list.length > this.window) list.shift();
      } else if (r.id !== 'present') {
        // Nothing to measure (no face): forget, so the next face is judged afresh.
        list.length = 0;
      }
      this.recent.set(r.id, list);
      if (!list.length) return { ...r, state: 'unknown' as const };
      const fails = list.filter((s) => s === 'fail').length;
      return { ...r, state: fails * 2 > list.length ? ('fail' as const) : ('pass' as const) };
    });
  }
}

/** How long each check failed while it was counted (the session stores the shares). */
export interface FramingTotals {
  totalMs: number;
  failedMs: Record<CheckId, number>;
}

export function emptyTotals(): FramingTotals {
  return { totalMs: 0, failedMs: { present: 0, size: 0, centring: 0, brightness: 0, contrast: 0, sharpness: 0 } };
}

/**
 * Adds up time per failing check. Each verdict counts until the next one, at most maxStepMs (a stalled
 * preview does not count its gap as failing or passing).
 */
export class FramingTally {
  totals: FramingTotals = emptyTotals();
  private last: { atMs: number; failing: CheckId[] } | null = null;
  constructor(private readonly maxStepMs = 250) {}

  add(atMs: number, results: CheckResult[]): void {
    this.close(atMs);
    this.last = { atMs, failing: results.filter((r) => r.state === 'fail').map((r) => r.id) };
  }

  /** Counts the last verdict up to `atMs`. */
  close(atMs: number): void {
    if (!this.last) return;
    const dt = Math.min(this.maxStepMs, Math.max(0, atMs - this.last.atMs));
    this.totals.totalMs += dt;
    for (const id of this.last.failing) this.totals.failedMs[id] += dt;
    this.last.atMs = atMs;
  }

  reset(): void {
    this.totals = emptyTotals();
    this.last = null;
  }
}
