/**
 * Frames missing from an analysed frame sequence. The expected interval is the median interval between
 * analysed frames (robust to a few long gaps); a gap of k intervals means k − 1 frames were dropped. Frames are
 * the times the face pipeline actually analysed, so this counts what the camera or the analysis lost, whatever
 * the rate it ran at. Works on the histogram of intervals (store/report-queries.ts), so an hour of frames is a
 * handful of rows.
 */
import type { FrameInterval } from '../store/report-queries.js';

export interface FrameGaps {
  analysed: number;
  dropped: number;
  /** Median interval between analysed frames, ms; null with fewer than two frames. */
  intervalMs: number | null;
}

export function frameGaps(frames: number, intervals: readonly FrameInterval[]): FrameGaps {
  const total = intervals.reduce((a, i) => a + i.count, 0);
  if (frames < 2 || total === 0) return { analysed: frames, dropped: 0, intervalMs: null };
  const sorted = [...intervals].sort((a, b) => a.ms - b.ms);
  // The interval below which half of all intervals lie.
  let seen = 0;
  let intervalMs = sorted[sorted.length - 1].ms;
  for (const i of sorted) {
    seen += i.count;
    if (seen > total / 2) {
      intervalMs = i.ms;
      break;
    }
  }
  if (!(intervalMs > 0)) return { analysed: frames, dropped: 0, intervalMs: null };
  let dropped = 0;
  // Half an interval of jitter is still the next frame; beyond that, whole intervals count as lost frames.
  for (const i of sorted) dropped += Math.max(0, Math.round(i.ms / intervalMs) - 1) * i.count;
  return { analysed: frames, dropped, intervalMs };
}

/** The histogram of intervals of a list of frame times (tests, small sequences). */
export function intervalsOf(times: readonly number[]): FrameInterval[] {
  const m = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const d = Math.round((times[i] - times[i - 1]) * 10) / 10;
    m.set(d, (m.get(d) ?? 0) + 1);
  }
  return [...m].map(([ms, count]) => ({ ms, count }));
}
