/**
 * Horizontal layout shared by the timeline charts, the time ruler and the label tiers, so that a time sits
 * at the same x in all of them: a left gutter for axis labels and rater names, then the plot, then a margin.
 */
export const GUTTER_PX = 128;
export const RIGHT_PX = 16;

export function plotWidth(totalWidthPx: number): number {
  return Math.max(1, totalWidthPx - GUTTER_PX - RIGHT_PX);
}

/** Tick spacing for a visible span: about one label per 90 px, on a round step. */
export function tickStep(spanMs: number, widthPx: number): number {
  const target = (spanMs / Math.max(1, widthPx)) * 90;
  const steps = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];
  return steps.find((s) => s >= target) ?? steps[steps.length - 1];
}

/** Clock label for a tick: m:ss, with tenths when the step is under a second, h:mm:ss past an hour. */
export function tickLabel(ms: number, stepMs: number): string {
  const total = Math.round(ms);
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const base = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
  return stepMs < 1000 ? `${base}.${Math.floor((total % 1000) / 100)}` : base;
}
