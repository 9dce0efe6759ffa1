import { appendFileSync, chmodSync, existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
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

  it("keeps a probe across the app's own move of the file, and not across one that changed it", async () => {
    const dir = tempDir('probe-cache-');
    const upload = path.join(dir, 'upload.part');
    writeFileSync(upload, 'x'.repeat(50));
    const cache = new ProbeCache<{ bytes: number; streams: Array<{ index: number }> }>();
    const p = counting(upload);
    await cache.get(upload, 'ffprobe', p.probe);
    await cache.get(upload, '/opt/other/ffprobe', p.probe);
    expect(p.runs).toBe(2);
    // Renamed into the session and made private: the change time moves, the contents do not.
    const stored = path.join(dir, 'clip.mp4');
    await cache.moved(upload, stored, () => {
      renameSync(upload, stored);
      chmodSync(stored, 0o600);
    });
    const q = counting(stored);
    expect((await cache.get(stored, 'ffprobe', q.probe)).bytes).toBe(50);
    expect((await cache.get(stored, '/opt/other/ffprobe', q.probe)).bytes).toBe(50);
    expect(q.runs).toBe(0);
    // Without the move being announced, a rename is a new file.
    const plain = path.join(dir, 'plain.mp4');
    renameSync(stored, plain);
    const r = counting(plain);
    await cache.get(plain, 'ffprobe', r.probe);
    expect(r.runs).toBe(1);
    // A move that also wrote to the file keeps nothing.
    const last = path.join(dir, 'last.mp4');
    await cache.moved(plain, last, () => {
      renameSync(plain, last);
      appendFileSync(last, 'y');
    });
    const s = counting(last);
    expect((await cache.get(last, 'ffprobe', s.probe)).bytes).toBe(51);
    expect(s.runs).toBe(1);
    // A move that failed keeps the entry where it was.
    await expect(cache.moved(path.join(dir, 'gone.mp4'), path.join(dir, 'x.mp4'), () => renameSync(path.join(dir, 'gone.mp4'), path.join(dir, 'x.mp4')))).rejects.toThrow();
    expect(existsSync(last)).toBe(true);
    await cache.get(last, 'ffprobe', s.probe);
    expect(s.runs).toBe(1);
  });
});
