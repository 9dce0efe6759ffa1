/**
 * Timeline series (src-shared/contract/review.ts) as chart.js points. Raw series plot every point. Bucketed
 * series plot, per pixel column, the minimum and the maximum (lines) so short peaks stay visible, or the
 * mean (stacked areas, where min/max would not add up). Missing values become gaps, never zeros.
 */
import type { Series } from '../../../src-shared/contract/review.js';

export interface Point {
  x: number;
  y: number | null;
}

export type ChartMode = 'lines' | 'stacked';

export function seriesPoints(s: Series, channel: number, mode: ChartMode): Point[] {
  const out: Point[] = [];
  const mean = s.mean[channel];
  if (s.bucketMs === null || !s.min || !s.max || mode === 'stacked') {
    for (let i = 0; i < s.t.length; i++) out.push({ x: s.t[i], y: mean[i] });
    return out;
  }
  const lo = s.min[channel];
  const hi = s.max[channel];
  const quarter = s.bucketMs / 4;
  for (let i = 0; i < s.t.length; i++) {
    if (lo[i] === null || hi[i] === null) {
      out.push({ x: s.t[i], y: null });
      continue;
    }
    // Draw towards the next bucket's level: min then max when rising, max then min when falling.
    const nextMean = mean[i + 1] ?? mean[i];
    const rising = (nextMean ?? 0) >= (mean[i] ?? 0);
    out.push({ x: s.t[i] - quarter, y: rising ? lo[i] : hi[i] });
    out.push({ x: s.t[i] + quarter, y: rising ? hi[i] : lo[i] });
  }
  return out;
}

/** The series value nearest to t (for read-outs under the playhead); null in a gap. */
export function valueAt(s: Series | null, channel: number, t: number): number | null {
  if (!s || !s.t.length) return null;
  let lo = 0;
  let hi = s.t.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.t[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  const i = lo > 0 && Math.abs(s.t[lo - 1] - t) < Math.abs(s.t[lo] - t) ? lo - 1 : lo;
  const tolerance = s.bucketMs ?? (s.t.length > 1 ? (s.t[s.t.length - 1] - s.t[0]) / (s.t.length - 1) : 0) * 1.5;
  if (Math.abs(s.t[i] - t) > Math.max(tolerance, 1)) return null;
  return s.mean[channel][i];
}
