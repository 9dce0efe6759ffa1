import type { Timed } from './stage.js';

/**
 * Gathers a stage's small result batches (8 frames, a few windows) into larger transactions: one commit per
 * `every` results or per second of work, whichever comes first. Results at or before `afterMs` (already
 * stored by an earlier execution of a resumed run) are dropped. A crash loses at most the last second of work.
 */
export class StageCommitter<R extends Timed> {
  private pending: R[] = [];
  private last = performance.now();

  constructor(
    private readonly afterMs: number | null,
    private readonly every: number,
    /** Stores a batch with its progress mark (the last result's time) in one transaction. */
    private readonly commit: (batch: R[], doneMs: number) => void,
  ) {}

  add(items: readonly R[]): void {
    const after = this.afterMs;
    for (const it of items) if (after === null || it.tMs > after) this.pending.push(it);
    if (this.pending.length >= this.every || performance.now() - this.last >= 1000) this.flush();
  }

  flush(): void {
    this.last = performance.now();
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    this.commit(batch, batch[batch.length - 1].tMs);
  }
}
