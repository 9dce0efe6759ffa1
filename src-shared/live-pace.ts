/**
 * Whether live analysis keeps up: results under 5 a second or older than half a second on arrival mean the
 * read-out shows the past, and Capture says so instead of presenting stale numbers as current.
 */
export const MIN_RESULT_HZ = 5;
export const MAX_LATENCY_MS = 500;

export interface LivePace {
  /** Face results per second over the last seconds (0 when none). */
  faceHz: number;
  /** Median face latency, ms (null: no results yet). */
  faceLatencyMs: number | null;
  voiceLatencyMs: number | null;
  /** Face results so far (a rate means something only after a few). */
  faceResults: number;
}

export type BehindReason = { kind: 'rate'; hz: number } | { kind: 'faceLate'; ms: number } | { kind: 'voiceLate'; ms: number };

/** Why live analysis is behind (each reason with its figure); empty when it keeps up. */
export function behindReasons(p: LivePace): BehindReason[] {
  const why: BehindReason[] = [];
  if (p.faceResults >= 5 && p.faceHz < MIN_RESULT_HZ) why.push({ kind: 'rate', hz: p.faceHz });
  if (p.faceLatencyMs !== null && p.faceLatencyMs > MAX_LATENCY_MS) why.push({ kind: 'faceLate', ms: Math.round(p.faceLatencyMs) });
  if (p.voiceLatencyMs !== null && p.voiceLatencyMs > MAX_LATENCY_MS) why.push({ kind: 'voiceLate', ms: Math.round(p.voiceLatencyMs) });
  return why;
}
