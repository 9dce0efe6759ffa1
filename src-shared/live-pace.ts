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

/** Why live analysis is behind, in words for the user, or null when it keeps up. */
export function behindReason(p: LivePace): string | null {
  const why: string[] = [];
  if (p.faceResults >= 5 && p.faceHz < MIN_RESULT_HZ) why.push(`face results ${p.faceHz.toFixed(1)} a second (under ${MIN_RESULT_HZ})`);
  if (p.faceLatencyMs !== null && p.faceLatencyMs > MAX_LATENCY_MS) why.push(`face results ${Math.round(p.faceLatencyMs)} ms late`);
  if (p.voiceLatencyMs !== null && p.voiceLatencyMs > MAX_LATENCY_MS) why.push(`voice results ${Math.round(p.voiceLatencyMs)} ms late`);
  return why.length ? `Live analysis is falling behind (${why.join(', ')}): the read-out shows the past, not this moment. The recording itself is not affected; analyse it afterwards for complete results.` : null;
}
