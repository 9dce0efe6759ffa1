/**
 * Turns label tiers (and the model's fused estimates) into paired observations on a common time grid, so
 * Cohen's kappa can be computed over time rather than over segments.
 *
 * - Rater vs rater: both tiers are sampled every `stepMs` (default 100 ms, the fused grid) at t = k·step,
 *   from 0 to the later of the two tiers' last ends. An instant counts when both raters labelled it. With
 *   `includeUnlabelled`, an instant one rater labelled and the other did not counts too, with the missing
 *   side as NO_LABEL (a category of its own, as in Holle & Rein's modified kappa for ELAN); instants neither
 *   labelled never count, since empty time would inflate agreement.
 * - Rater vs model: at each fused row time (10 Hz) the model's label is its most probable emotion where the
 *   estimate is reliable; instants without a reliable estimate, or where the rater's label is not a model
 *   class (e.g. "unclear"), do not count and are reported as such.
 *
 * Samples are not independent over time, so no standard error is given for kappa computed this way.
 */
import { EMOTIONS, topIndex } from '../emotions.js';
import type { Segment } from './segments.js';

export const NO_LABEL = '(none)';
export const DEFAULT_GRID_MS = 100;

export interface PairCounts {
  pairs: Array<readonly [string, string]>;
  /** Grid instants left out, by reason. */
  skipped: { onlyA: number; onlyB: number; modelUnreliable: number; notModelClass: number };
}

/** Labels of a tier at increasing times (two-pointer walk; segments need not be sorted). */
export function sampleTier(segments: readonly Segment[], times: readonly number[]): Array<string | null> {
  const sorted = [...segments].sort((a, b) => a.startMs - b.startMs);
  const out: Array<string | null> = new Array(times.length).fill(null);
  let i = 0;
  for (let k = 0; k < times.length; k++) {
    const t = times[k];
    while (i < sorted.length && sorted[i].endMs <= t) i++;
    const s = sorted[i];
    out[k] = s && s.startMs <= t && t < s.endMs ? s.label : null;
  }
  return out;
}

export function gridTimes(endMs: number, stepMs = DEFAULT_GRID_MS): number[] {
  if (!(stepMs > 0)) throw new Error('Grid step must be positive');
  const out: number[] = [];
  for (let k = 0; k * stepMs < endMs; k++) out.push(k * stepMs);
  return out;
}

export function raterVsRater(a: readonly Segment[], b: readonly Segment[], opts: { stepMs?: number; includeUnlabelled?: boolean } = {}): PairCounts {
  const end = Math.max(0, ...a.map((s) => s.endMs), ...b.map((s) => s.endMs));
  const times = gridTimes(end, opts.stepMs ?? DEFAULT_GRID_MS);
  const la = sampleTier(a, times);
  const lb = sampleTier(b, times);
  const result: PairCounts = { pairs: [], skipped: { onlyA: 0, onlyB: 0, modelUnreliable: 0, notModelClass: 0 } };
  for (let k = 0; k < times.length; k++) {
    const x = la[k];
    const y = lb[k];
    if (x !== null && y !== null) result.pairs.push([x, y]);
    else if (x !== null || y !== null) {
      if (x !== null) result.skipped.onlyA++;
      else result.skipped.onlyB++;
      if (opts.includeUnlabelled) result.pairs.push([x ?? NO_LABEL, y ?? NO_LABEL]);
    }
  }
  return result;
}

export interface ModelSample {
  tMs: number;
  /** Canonical-order probabilities (NaN or null for a class without a value), or null where no estimate exists. */
  probs: readonly (number | null)[] | null;
  reliable: boolean;
}

/** The model's label at one instant: its most probable emotion, or null where it has no reliable estimate. */
export function modelLabel(s: ModelSample): string | null {
  if (!s.reliable || !s.probs || s.probs.length !== EMOTIONS.length) return null;
  return EMOTIONS[topIndex(s.probs)];
}

export function raterVsModel(rater: readonly Segment[], model: readonly ModelSample[]): PairCounts {
  const sorted = [...model].sort((a, b) => a.tMs - b.tMs);
  const labels = sampleTier(rater, sorted.map((m) => m.tMs));
  const classes = new Set<string>(EMOTIONS);
  const result: PairCounts = { pairs: [], skipped: { onlyA: 0, onlyB: 0, modelUnreliable: 0, notModelClass: 0 } };
  sorted.forEach((m, k) => {
    const r = labels[k];
    if (r === null) return;
    if (!classes.has(r)) {
      result.skipped.notModelClass++;
      return;
    }
    const ml = modelLabel(m);
    if (ml === null) {
      result.skipped.modelUnreliable++;
      return;
    }
    result.pairs.push([r, ml]);
  });
  return result;
}
