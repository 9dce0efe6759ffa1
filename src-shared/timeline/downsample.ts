/**
 * Display downsampling that never drops data: when a range holds more points than the display has pixel
 * columns, every point goes into exactly one bucket (one per column) and the bucket keeps the mean, the
 * minimum and the maximum of its points, so a one-frame peak still reaches its height on screen. When the
 * points fit, they are returned as they are (zooming in shows full resolution).
 */

export interface Columns {
  /** Increasing times, ms. */
  t: ArrayLike<number>;
  /** One array per channel, same length as t; NaN marks "no value" at that point. */
  channels: ArrayLike<number>[];
}

export interface DisplaySeries {
  t: number[];
  mean: (number | null)[][];
  min: (number | null)[][] | null;
  max: (number | null)[][] | null;
  bucketMs: number | null;
  points: number;
}

/** First index with t[i] >= x (t increasing). */
export function lowerBound(t: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const round = (x: number, places: number): number => {
  const f = 10 ** places;
  return Math.round(x * f) / f;
};
const cell = (x: number, places: number): number | null => (Number.isFinite(x) ? round(x, places) : null);

/**
 * Points with fromMs ≤ t < toMs, as they are when at most `2 × buckets` (min and max per column is what a
 * bucket costs), else one bucket per column. Raw ranges also carry the nearest point on each side, so a line
 * runs to the edge of the view instead of stopping short. Values are rounded to `places` decimals for the wire.
 */
export function downsample(cols: Columns, fromMs: number, toMs: number, buckets: number, places = 4): DisplaySeries {
  const start = lowerBound(cols.t, fromMs);
  const end = lowerBound(cols.t, toMs);
  const points = end - start;
  const nCh = cols.channels.length;
  if (points <= 2 * buckets) {
    const a = Math.max(0, start - 1);
    const b = Math.min(cols.t.length, end + 1);
    const t: number[] = [];
    const mean: (number | null)[][] = cols.channels.map(() => []);
    for (let i = a; i < b; i++) {
      t.push(cols.t[i]);
      for (let c = 0; c < nCh; c++) mean[c].push(cell(cols.channels[c][i], places));
    }
    return { t, mean, min: null, max: null, bucketMs: null, points };
  }
  const bucketMs = (toMs - fromMs) / buckets;
  const sum = cols.channels.map(() => new Float64Array(buckets));
  const cnt = cols.channels.map(() => new Uint32Array(buckets));
  const lo = cols.channels.map(() => new Float64Array(buckets).fill(Infinity));
  const hi = cols.channels.map(() => new Float64Array(buckets).fill(-Infinity));
  for (let i = start; i < end; i++) {
    const k = Math.min(buckets - 1, Math.floor((cols.t[i] - fromMs) / bucketMs));
    for (let c = 0; c < nCh; c++) {
      const v = cols.channels[c][i];
      if (!Number.isFinite(v)) continue;
      sum[c][k] += v;
      cnt[c][k]++;
      if (v < lo[c][k]) lo[c][k] = v;
      if (v > hi[c][k]) hi[c][k] = v;
    }
  }
  const t = Array.from({ length: buckets }, (_, k) => round(fromMs + (k + 0.5) * bucketMs, 1));
  const mean = cols.channels.map((_, c) => Array.from({ length: buckets }, (_, k) => (cnt[c][k] ? cell(sum[c][k] / cnt[c][k], places) : null)));
  const min = cols.channels.map((_, c) => Array.from({ length: buckets }, (_, k) => (cnt[c][k] ? cell(lo[c][k], places) : null)));
  const max = cols.channels.map((_, c) => Array.from({ length: buckets }, (_, k) => (cnt[c][k] ? cell(hi[c][k], places) : null)));
  return { t, mean, min, max, bucketMs, points };
}

export interface Span {
  startMs: number;
  endMs: number;
}

/**
 * Spans without an estimate on a regular grid: each missing step covers [t, t + step), and so does any time
 * the grid skips. Spans closer than `mergeMs` are joined (a display cannot show a gap thinner than a pixel,
 * and hundreds of hairline stripes would hide the curves); a span is never shortened.
 */
export function missingSpans(t: ArrayLike<number>, present: (i: number) => boolean, stepMs: number, fromMs: number, toMs: number, mergeMs = 0): Span[] {
  const out: Span[] = [];
  const push = (s: number, e: number) => {
    const startMs = Math.max(s, fromMs);
    const endMs = Math.min(e, toMs);
    if (endMs <= startMs) return;
    const last = out[out.length - 1];
    if (last && startMs - last.endMs <= mergeMs) last.endMs = Math.max(last.endMs, endMs);
    else out.push({ startMs, endMs });
  };
  // `covered`: time up to which the grid has been accounted for. A step that starts just before the view
  // and reaches into it counts, hence the search from fromMs − step.
  let covered = fromMs;
  for (let i = lowerBound(t, fromMs - stepMs); i < t.length && t[i] < toMs; i++) {
    const ti = t[i];
    if (ti > covered) push(covered, ti);
    if (!present(i)) push(ti, ti + stepMs);
    covered = Math.max(covered, ti + stepMs);
  }
  // Past the last step (or with no steps at all) there is no estimate either.
  if (covered < toMs) push(covered, toMs);
  return out;
}
