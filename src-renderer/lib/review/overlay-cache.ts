/**
 * Face boxes for the video overlay, fetched a chunk of seconds at a time around the playhead and looked up
 * by the time of the frame actually shown.
 */
import type { OverlayFrame } from '../../../src-shared/contract/review.js';

export const CHUNK_MS = 10_000;

export type FetchOverlay = (fromMs: number, toMs: number) => Promise<OverlayFrame[]>;

export class OverlayCache {
  private readonly chunks = new Map<number, OverlayFrame[] | Promise<void>>();

  constructor(
    private readonly fetch: FetchOverlay,
    private readonly maxChunks = 30,
  ) {}

  /** Starts loading the chunk holding t and the next one; resolves when the chunk holding t is there. */
  async ensure(tMs: number): Promise<void> {
    const k = Math.max(0, Math.floor(tMs / CHUNK_MS));
    const here = this.load(k);
    void this.load(k + 1);
    await here;
  }

  private load(k: number): Promise<void> {
    const have = this.chunks.get(k);
    if (Array.isArray(have)) return Promise.resolve();
    if (have) return have;
    const p = this.fetch(k * CHUNK_MS, (k + 1) * CHUNK_MS).then(
      (frames) => {
        this.chunks.set(k, frames);
        this.evict(k);
      },
      () => {
        this.chunks.delete(k);
      },
    );
    this.chunks.set(k, p);
    return p;
  }

  private evict(keep: number): void {
    if (this.chunks.size <= this.maxChunks) return;
    const far = [...this.chunks.keys()].sort((a, b) => Math.abs(b - keep) - Math.abs(a - keep));
    for (const k of far.slice(0, this.chunks.size - this.maxChunks)) this.chunks.delete(k);
  }

  /** The analysed frame nearest to t within `toleranceMs`, if loaded; undefined when none is that close. */
  frameAt(tMs: number, toleranceMs: number): OverlayFrame | undefined {
    const k = Math.max(0, Math.floor(tMs / CHUNK_MS));
    let best: OverlayFrame | undefined;
    for (const kk of [k - 1, k, k + 1]) {
      const frames = this.chunks.get(kk);
      if (!Array.isArray(frames) || !frames.length) continue;
      let lo = 0;
      let hi = frames.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (frames[mid].tMs < tMs) lo = mid + 1;
        else hi = mid;
      }
      for (const i of [lo - 1, lo]) {
        const f = frames[i];
        if (f && Math.abs(f.tMs - tMs) <= toleranceMs && (!best || Math.abs(f.tMs - tMs) < Math.abs(best.tMs - tMs))) best = f;
      }
    }
    return best;
  }

  clear(): void {
    this.chunks.clear();
  }
}
