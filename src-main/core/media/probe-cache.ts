/**
 * Recent ffprobe results by file identity. One clip is probed by the import check, the import, the analysis
 * run and each of its stages; Debian's ffprobe takes ~0.14 s just to start, so repeats cost `affect analyze`
 * about a second per clip. An entry is found only while the file's device, inode, size, modification and
 * change times (nanoseconds) are those stat reported before it was probed, and for at most `ttlMs`: a file
 * rewritten, truncated, appended to or replaced by a rename is probed again.
 */
import type { BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface ProbeCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
  /** Milliseconds clock (tests set it). */
  now?: () => number;
}

interface Entry<T> {
  tool: string;
  value: T;
  at: number;
}

export class ProbeCache<T> {
  /** By tool and file identity (`entryKey`). */
  private readonly entries = new Map<string, Entry<T>>();
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
    const s = await fileStat(file);
    if (s === null) return probe();
    const key = entryKey(tool, identity(file, s));
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at <= this.ttlMs) return structuredClone(hit.value);
    if (hit) this.entries.delete(key);
    const value = await probe();
    this.entries.set(key, { tool, value: structuredClone(value), at: now });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  /**
   * Runs `move`, which renames `from` to `to` (and may change its mode), and keeps what was learnt of the file
   * under its new name when the move left its contents alone: the same device, inode, size and modification
   * time before and after. A rename changes the path and the change time, so without this the app's own move
   * of a checked upload into the session would cost another probe. Entries keep their age.
   */
  async moved(from: string, to: string, move: () => void): Promise<void> {
    const before = await fileStat(from);
    move();
    if (before === null) return;
    const after = await fileStat(to);
    const oldId = identity(from, before);
    const same = after !== null && after.dev === before.dev && after.ino === before.ino && after.size === before.size && after.mtimeNs === before.mtimeNs;
    for (const [key, e] of [...this.entries]) {
      if (key !== entryKey(e.tool, oldId)) continue;
      this.entries.delete(key);
      if (same) this.entries.set(entryKey(e.tool, identity(to, after)), e);
    }
  }
}

async function fileStat(file: string): Promise<BigIntStats | null> {
  try {
    const s = await stat(file, { bigint: true });
    return s.isFile() ? s : null;
  } catch {
    return null;
  }
}

function identity(file: string, s: BigIntStats): string {
  return [file, s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join('\0');
}

function entryKey(tool: string, id: string): string {
  return `${tool}\0${id}`;
}
