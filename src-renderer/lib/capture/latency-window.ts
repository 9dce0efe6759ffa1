/**
 * Keeps the most recent latency samples (ms) and summarises them as median and 95th percentile, so the
 * Capture view can show how far behind the camera/microphone the live read-out is.
 */
export interface LatencySummary {
  count: number;
  medianMs: number | null;
  p95Ms: number | null;
}

export class LatencyWindow {
  private readonly samples: number[] = [];
  private total = 0;

  constructor(private readonly capacity = 300) {}

  add(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.samples.push(ms);
    if (this.samples.length > this.capacity) this.samples.shift();
    this.total++;
  }

  summary(): LatencySummary {
    if (!this.samples.length) return { count: this.total, medianMs: null, p95Ms: null };
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
    return { count: this.total, medianMs: at(0.5), p95Ms: at(0.95) };
  }
}

/** Events per second over the last `spanMs` of arrival times (ms, increasing). */
export function rateHz(times: readonly number[], nowMs: number, spanMs = 3000): number {
  const recent = times.filter((t) => t > nowMs - spanMs);
  if (recent.length < 2) return 0;
  const span = recent[recent.length - 1] - recent[0];
  return span > 0 ? ((recent.length - 1) * 1000) / span : 0;
}
