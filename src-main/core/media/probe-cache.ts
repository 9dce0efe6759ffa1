/**
 * Recent ffprobe results by file identity. One clip is probed by the import check, the import, the analysis
 * run and each of its stages; Debian's ffprobe takes ~0.14 s just to start, so repeats cost `affect analyze`
 * about a second per clip. An entry is found only while the file's device, inode, size, modification and
 * change times (nanoseconds) are those stat reported before it was probed, and for at most `ttlMs`: a file
 * rewritten, truncated, appended to or replaced by a rename is probed again.
 */
import { stat } from 'node:fs/promises';

export interface ProbeCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
  /** Milliseconds clock (tests set it). */
  now?: () => number;
}

export class ProbeCache<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: ProbeCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 32;
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * The cached result for `file` as it is now, or `probe()`'s (stored under the identity stat saw before
   * probing, so a file changed while it was probed is never matched again). Callers get their own copy.
   * `tool` separates results of different probe programs.
   */
  async get(file: string, tool: string, probe: () => Promise<T>): Promise<T> {
    const key = await identity(file, tool);
    if (key === null) return probe();
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at <= this.ttlMs) return structuredClone(hit.value);
    if (hit) this.entries.delete(key);
    const value = await probe();
    this.entries.set(key, { value: structuredClone(value), at: now });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}

async function identity(file: string, tool: string): Promise<string | null> {
  try {
    const s = await stat(file, { bigint: true });
    if (!s.isFile()) return null;
    return [tool, file, s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join('\0');
  } catch {
    return null;
  }
}
