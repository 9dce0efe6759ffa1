/**
 * Exponential smoothing of probability vectors on an irregular time axis. The weight of the past halves every
 * `halfLifeMs` of media time: a new estimate Δt after the previous one moves the state by
 * α = 1 − 2^(−Δt / halfLife). Because α depends on Δt, a gap without estimates makes the old state count for
 * less, and after a gap longer than `resetAfterMs` it counts for nothing (smoothing restarts). Moments without
 * an estimate stay without one: the smoother never invents a value.
 */
export class ExponentialSmoother {
  private state: Float64Array | null = null;
  private lastMs = -Infinity;

  constructor(
    private readonly halfLifeMs: number,
    private readonly resetAfterMs: number,
  ) {}

  /**
   * Feeds the estimate at tMs (times must not go backwards); returns the smoothed vector, or null for null. A class
   * without a value (NaN: contempt when no contributing model gives it) has none in the output either, and starts
   * afresh from the next value it gets; the output is renormalised over the classes with a value.
   */
  push(tMs: number, probs: ArrayLike<number> | null): Float64Array | null {
    if (probs === null) return null;
    const dt = tMs - this.lastMs;
    if (dt < 0) throw new Error(`Smoother fed out of order: ${tMs} ms after ${this.lastMs} ms`);
    if (!this.state || this.halfLifeMs <= 0 || dt > this.resetAfterMs) {
      this.state = Float64Array.from(probs as ArrayLike<number>);
    } else {
      const alpha = 1 - Math.pow(2, -dt / this.halfLifeMs);
      for (let i = 0; i < this.state.length; i++) this.state[i] = Number.isNaN(this.state[i]) ? probs[i] : this.state[i] + alpha * (probs[i] - this.state[i]);
    }
    this.lastMs = tMs;
    const out = Float64Array.from(this.state, (v, i) => (Number.isNaN(probs[i]) ? Number.NaN : v));
    let s = 0;
    for (const v of out) if (!Number.isNaN(v)) s += v;
    return s > 0 ? out.map((v) => v / s) : out;
  }

  reset(): void {
    this.state = null;
    this.lastMs = -Infinity;
  }
}
