/**
 * Puts time-ordered observations on the fusion grid. Both cursors walk their input once, so a whole session
 * streams through in constant memory; grid times must be asked for in increasing order.
 */
import type { FaceSample, VoiceSample } from './fusion.js';

/**
 * The participant's face observation nearest to each grid time, if one lies within `toleranceMs` (ties go to
 * the earlier one). A step without an observation that close has no face: frames are never carried forward.
 */
export class FaceAligner {
  private prev: FaceSample | null = null;
  private next: FaceSample | null;
  private lastT = -Infinity;

  constructor(
    private readonly it: Iterator<FaceSample>,
    private readonly toleranceMs: number,
  ) {
    this.next = this.pull();
  }

  private pull(): FaceSample | null {
    const r = this.it.next();
    return r.done ? null : r.value;
  }

  at(tMs: number): FaceSample | null {
    if (tMs < this.lastT) throw new Error('FaceAligner: grid times must increase');
    this.lastT = tMs;
    while (this.next && this.next.tMs <= tMs) {
      if (this.prev && this.next.tMs < this.prev.tMs) throw new Error('Face observations are not in time order');
      this.prev = this.next;
      this.next = this.pull();
    }
    const dp = this.prev ? tMs - this.prev.tMs : Infinity;
    const dn = this.next ? this.next.tMs - tMs : Infinity;
    if (dp <= dn) return dp <= this.toleranceMs ? this.prev : null;
    return dn <= this.toleranceMs ? this.next : null;
  }
}

/**
 * The voice window covering each grid time (start ≤ t < end) whose centre is nearest to it. With 2 s windows
 * every 0.5 s, each moment is described by the window that has it most in the middle. Input is ordered by
 * window start.
 */
export class VoiceAligner {
  private readonly open: VoiceSample[] = [];
  private pending: VoiceSample | null;
  private lastT = -Infinity;

  constructor(private readonly it: Iterator<VoiceSample>) {
    this.pending = this.pull();
  }

  private pull(): VoiceSample | null {
    const r = this.it.next();
    return r.done ? null : r.value;
  }

  at(tMs: number): VoiceSample | null {
    if (tMs < this.lastT) throw new Error('VoiceAligner: grid times must increase');
    this.lastT = tMs;
    while (this.pending && this.pending.startMs <= tMs) {
      this.open.push(this.pending);
      const n = this.pull();
      if (n && n.startMs < this.pending.startMs) throw new Error('Voice windows are not in time order');
      this.pending = n;
    }
    // Windows that ended are of no further use: later grid times are later still.
    for (let i = this.open.length - 1; i >= 0; i--) if (this.open[i].endMs <= tMs) this.open.splice(i, 1);
    let best: VoiceSample | null = null;
    let bestD = Infinity;
    for (const w of this.open) {
      const d = Math.abs((w.startMs + w.endMs) / 2 - tMs);
      if (d < bestD) {
        best = w;
        bestD = d;
      }
    }
    return best;
  }
}
