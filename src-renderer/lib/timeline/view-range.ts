/** The visible part of the session on the timeline and tiers, and the arithmetic of zooming and panning. */
export interface ViewRange {
  fromMs: number;
  toMs: number;
}

/** Narrowest view: 2 s (about 60 frames across the display); the widest is the whole session. */
export const MIN_SPAN_MS = 2000;

/** Keeps a range inside [0, duration] without changing its span (unless the span exceeds the duration). */
export function clampRange(r: ViewRange, durationMs: number): ViewRange {
  const span = Math.min(Math.max(r.toMs - r.fromMs, Math.min(MIN_SPAN_MS, durationMs)), durationMs);
  let from = Math.max(0, r.fromMs);
  if (from + span > durationMs) from = durationMs - span;
  return { fromMs: from, toMs: from + span };
}

/** Zooms by `factor` (< 1 zooms in) keeping the time under `anchorMs` at the same place on screen. */
export function zoomAround(r: ViewRange, factor: number, anchorMs: number, durationMs: number): ViewRange {
  const span = r.toMs - r.fromMs;
  const newSpan = Math.min(durationMs, Math.max(MIN_SPAN_MS, span * factor));
  const frac = span > 0 ? (anchorMs - r.fromMs) / span : 0.5;
  return clampRange({ fromMs: anchorMs - frac * newSpan, toMs: anchorMs - frac * newSpan + newSpan }, durationMs);
}

export function panBy(r: ViewRange, deltaMs: number, durationMs: number): ViewRange {
  return clampRange({ fromMs: r.fromMs + deltaMs, toMs: r.toMs + deltaMs }, durationMs);
}

/**
 * While playing, the view pages forward when the playhead leaves it (as ELAN's "page" mode), so it
 * follows playback without scrolling under the user's eyes every frame.
 */
export function follow(r: ViewRange, playheadMs: number, durationMs: number): ViewRange {
  if (playheadMs >= r.fromMs && playheadMs <= r.toMs) return r;
  const span = r.toMs - r.fromMs;
  return clampRange({ fromMs: playheadMs, toMs: playheadMs + span }, durationMs);
}

export function msToX(ms: number, r: ViewRange, widthPx: number): number {
  return ((ms - r.fromMs) / (r.toMs - r.fromMs)) * widthPx;
}

export function xToMs(x: number, r: ViewRange, widthPx: number): number {
  return r.fromMs + (x / Math.max(1, widthPx)) * (r.toMs - r.fromMs);
}
