import { appendFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/make-media.js';
import { ProbeCache } from './probe-cache.js';

/** A probe that counts its runs and reports the file's length as ffprobe would report a fact of it. */
function counting(file: string) {
  let runs = 0;
  return {
    get runs() {
      return runs;
    },
    probe: () => {
      runs++;
      return Promise.resolve({ bytes: statSync(file).size, streams: [{ index: 0 }] });
    },
  };
}

describe('probe cache', () => {
  it('answers an unchanged file from memory and probes again once it is appended to or replaced', async () => {
    const file = path.join(tempDir('probe-cache-'), 'clip.mkv');
    writeFileSync(file, 'x'.repeat(100));
    const cache = new ProbeCache<{ bytes: number; streams: Array<{ index: number }> }>();
    const p = counting(file);
    expect((await cache.get(file, 'ffprobe', p.probe)).bytes).toBe(100);
    expect((await cache.get(file, 'ffprobe', p.probe)).bytes).toBe(100);
    expect(p.runs).toBe(1);
    // Growing (a recording still being written) is a new identity.
    appendFileSync(file, 'y');
    expect((await cache.get(file, 'ffprobe', p.probe)).bytes).toBe(101);
    expect(p.runs).toBe(2);
    // Another file renamed over the path, same length: another inode.
    const other = path.join(path.dirname(file), 'other.mkv');
    writeFileSync(other, 'z'.repeat(101));
    renameSync(other, file);
    await cache.get(file, 'ffprobe', p.probe);
    expect(p.runs).toBe(3);
    // Another probe program does not share results.
    await cache.get(file, '/opt/other/ffprobe', p.probe);
    expect(p.runs).toBe(4);
  });

  it('hands each caller its own copy, keeps no failures and forgets entries after their time', async () => {
    const file = path.join(tempDir('probe-cache-'), 'clip.mp4');
    writeFileSync(file, 'x'.repeat(10));
    let clock = 0;
    const cache = new ProbeCache<{ bytes: number; streams: Array<{ index: number }> }>({ ttlMs: 60_000, now: () => clock });
    const p = counting(file);
    const first = await cache.get(file, 'ffprobe', p.probe);
    first.streams.push({ index: 9 });
    expect((await cache.get(file, 'ffprobe', p.probe)).streams).toEqual([{ index: 0 }]);
    clock = 60_000;
    await cache.get(file, 'ffprobe', p.probe);
    expect(p.runs).toBe(1);
    clock = 60_001;
    await cache.get(file, 'ffprobe', p.probe);
    expect(p.runs).toBe(2);
    const fresh = new ProbeCache<number>();
    await expect(fresh.get(file, 'ffprobe', () => Promise.reject(new Error('unreadable')))).rejects.toThrow('unreadable');
    expect(await fresh.get(file, 'ffprobe', () => Promise.resolve(7))).toBe(7);
  });

  it('does not cache what is not a regular file, and holds a bounded number of entries', async () => {
    const dir = tempDir('probe-cache-');
    const cache = new ProbeCache<number>({ maxEntries: 2 });
    let runs = 0;
    const probe = () => Promise.resolve(++runs);
    await cache.get(dir, 'ffprobe', probe);
    await cache.get(dir, 'ffprobe', probe);
    expect(runs).toBe(2);
    const files = ['a', 'b', 'c'].map((n) => path.join(dir, n));
    for (const f of files) writeFileSync(f, path.basename(f));
    for (const f of files) await cache.get(f, 'ffprobe', probe);
    expect(runs).toBe(5);
    // 'a' was pushed out by 'c'; 'c' is still there.
    await cache.get(files[2], 'ffprobe', probe);
    expect(runs).toBe(5);
    await cache.get(files[0], 'ffprobe', probe);
    expect(runs).toBe(6);
  });
});
