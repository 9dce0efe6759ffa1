/**
 * Frames missing from an analysed frame sequence. The expected interval is the median interval between
 * analysed frames (robust to a few long gaps); a gap of k intervals means k − 1 frames were dropped. Frames are
 * the times the face pipeline actually analysed, so this counts what the camera or the analysis lost, whatever
 * the rate it ran at.
 */
export interface FrameGaps {
  analysed: number;
  dropped: number;
  /** Median interval between analysed frames, ms; null with fewer than two frames. */
  intervalMs: number | null;
}

export function frameGaps(times: ArrayLike<number>): FrameGaps {
  const n = times.length;
  if (n < 2) return { analysed: n, dropped: 0, intervalMs: null };
  const d = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) d[i - 1] = times[i] - times[i - 1];
  const sorted = Float64Array.from(d).sort();
  const intervalMs = sorted[sorted.length >> 1];
  if (!(intervalMs > 0)) return { analysed: n, dropped: 0, intervalMs: null };
  let dropped = 0;
  // Half an interval of jitter is still the next frame; beyond that, whole intervals count as lost frames.
  for (const gap of d) dropped += Math.max(0, Math.round(gap / intervalMs) - 1);
  return { analysed: n, dropped, intervalMs };
}
