import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/make-media.js';
import { HEADER_BYTES, type MediaKey, TAG_BYTES } from './media-header.js';
import { SealedReader, SealedWriter } from './sealed-file.js';

const C = 64 * 1024;
const key: MediaKey = { id: randomBytes(16), key: randomBytes(32) };
const dir = tempDir('affect-sealed-');
let n = 0;

/** Plaintext with a findable marker in every chunk, so a leak of clear bytes would show. */
function plaintext(size: number): Buffer {
  const b = randomBytes(size);
  const marker = Buffer.from('PARTICIPANT-P042');
  for (let at = 100; at + marker.length <= size; at += C) marker.copy(b, at);
  return b;
}

async function seal(data: Buffer, pieces = [7, 1000, C, 3 * C + 5]): Promise<string> {
  const file = path.join(dir, `f${n++}.sealed`);
  const w = await SealedWriter.create(file, key);
  // Uneven writes, as ffmpeg's pipe delivers them.
  for (let off = 0, i = 0; off < data.length; i++) {
    const len = pieces[i % pieces.length];
    await w.write(data.subarray(off, off + len));
    off += len;
  }
  await w.close();
  return file;
}

const chunkAt = (i: number) => HEADER_BYTES + i * (C + TAG_BYTES);

describe('sealed media files', () => {
  it.each([0, 1, C - 1, C, C + 1, 3 * C, 3 * C + 17])('round-trips %i bytes and holds no clear byte of them', async (size) => {
    const data = plaintext(size);
    const file = await seal(data);
    const stored = readFileSync(file);
    if (size >= 116) expect(stored.includes('PARTICIPANT-P042')).toBe(false);
    const r = await SealedReader.open(file, key);
    expect(r.size).toBe(size);
    if (size > 0) expect((await r.read(0, size - 1)).equals(data)).toBe(true);
    await r.close();
  });

  it('reads any byte range, decrypting only the chunks it touches, across chunk boundaries', async () => {
    const data = plaintext(5 * C + 1234);
    const r = await SealedReader.open(await seal(data), key);
    const ranges = [
      [0, 0],
      [C - 1, C],
      [C - 10, 2 * C + 10],
      [2 * C, 3 * C - 1],
      [5 * C, 5 * C + 1233],
      [4 * C + 5, 5 * C + 1233],
      [0, 5 * C + 1233],
    ];
    for (const [a, b] of ranges) expect((await r.read(a, b)).equals(data.subarray(a, b + 1))).toBe(true);
    for (let i = 0; i < 50; i++) {
      const a = Math.floor(Math.random() * data.length);
      const b = a + Math.floor(Math.random() * (data.length - a));
      expect((await r.read(a, b)).equals(data.subarray(a, b + 1))).toBe(true);
    }
    // One piece per chunk (the first and the last cut to the range); the pieces of a batch share no memory
    // with the read buffer that is reused for the next batch.
    const sizes: number[] = [];
    const pieces: Buffer[] = [];
    for await (const p of r.range(10, 5 * C, 2)) {
      sizes.push(p.length);
      pieces.push(p);
    }
    expect(sizes).toEqual([C - 10, C, C, C, C, 1]);
    expect(Buffer.concat(pieces).equals(data.subarray(10, 5 * C + 1))).toBe(true);
    await expect(r.read(0, data.length)).rejects.toThrow(RangeError);
    await r.close();
  });

  it('refuses a changed byte in the chunk that holds it', async () => {
    const data = plaintext(3 * C);
    const file = await seal(data);
    const bytes = readFileSync(file);
    bytes[chunkAt(1) + 500] ^= 1;
    writeFileSync(file, bytes);
    const r = await SealedReader.open(file, key);
    expect((await r.read(0, C - 1)).equals(data.subarray(0, C))).toBe(true);
    await expect(r.read(C + 10, C + 20)).rejects.toThrow(/chunk 1 failed authentication/);
    await r.close();
  });

  it('refuses chunks swapped within a file or taken from another file', async () => {
    const a = await seal(plaintext(4 * C));
    const bytes = readFileSync(a);
    const one = Buffer.from(bytes.subarray(chunkAt(1), chunkAt(2)));
    bytes.copy(bytes, chunkAt(1), chunkAt(2), chunkAt(3));
    one.copy(bytes, chunkAt(2));
    writeFileSync(a, bytes);
    const r = await SealedReader.open(a, key);
    await expect(r.read(C, C)).rejects.toThrow(/authentication/);
    await expect(r.read(2 * C, 2 * C)).rejects.toThrow(/authentication/);
    await r.close();

    const b = await seal(plaintext(4 * C));
    const c = await seal(plaintext(4 * C));
    const bb = readFileSync(b);
    readFileSync(c).copy(bb, chunkAt(1), chunkAt(1), chunkAt(2));
    writeFileSync(b, bb);
    const rb = await SealedReader.open(b, key);
    await expect(rb.read(C, C)).rejects.toThrow(/authentication/);
    await rb.close();
  });

  it('detects a file cut short at a chunk boundary, mid-chunk, or extended', async () => {
    const data = plaintext(3 * C + 100);
    const atBoundary = await seal(data);
    truncateSync(atBoundary, chunkAt(3)); // the final chunk removed: chunk 2 was not written as final
    await expect(SealedReader.open(atBoundary, key)).rejects.toThrow(/authentication/);
    const midChunk = await seal(data);
    truncateSync(midChunk, chunkAt(2) + 5);
    await expect(SealedReader.open(midChunk, key)).rejects.toThrow(/cut short|authentication/);
    const extended = await seal(data);
    appendFileSync(extended, randomBytes(C + TAG_BYTES));
    await expect(SealedReader.open(extended, key)).rejects.toThrow(/authentication/);
  });

  it('refuses a changed header, another folder’s key, and a wrong key', async () => {
    const file = await seal(plaintext(2 * C));
    const bytes = readFileSync(file);
    bytes[40] ^= 1; // salt
    const salted = path.join(dir, 'salted');
    writeFileSync(salted, bytes);
    await expect(SealedReader.open(salted, key)).rejects.toThrow(/authentication/);
    await expect(SealedReader.open(file, { id: randomBytes(16), key: key.key })).rejects.toThrow(/another data folder/);
    await expect(SealedReader.open(file, { id: key.id, key: randomBytes(32) })).rejects.toThrow(/authentication/);
    writeFileSync(salted, 'plain text, not ours');
    await expect(SealedReader.open(salted, key)).rejects.toThrow(/Not an encrypted/);
  });

  it('closes only after the reads in flight end, and refuses reads after close', async () => {
    const data = plaintext(40 * C);
    const r = await SealedReader.open(await seal(data), key);
    // Each range is one chunk (one read): both are in flight when close() is called.
    const reads = [r.read(0, C - 1), r.read(25 * C, 26 * C - 1)];
    const closed = r.close();
    const [a, b] = await Promise.all(reads);
    await closed;
    expect(a.equals(data.subarray(0, C))).toBe(true);
    expect(b.equals(data.subarray(25 * C, 26 * C))).toBe(true);
    await expect(r.read(0, 10)).rejects.toThrow(/closed/);
  });

  it('lets the writer fill in its first chunk last (encrypted once) and never overwrites a file', async () => {
    const data = plaintext(2 * C + 9);
    const file = path.join(dir, 'deferred');
    const w = await SealedWriter.create(file, key, { deferFirstChunk: true });
    await w.write(data);
    await w.close((first) => first.write('PATCHED', 3, 'latin1'));
    data.write('PATCHED', 3, 'latin1');
    const r = await SealedReader.open(file, key);
    expect((await r.read(0, data.length - 1)).equals(data)).toBe(true);
    await r.close();
    await expect(SealedWriter.create(file, key)).rejects.toThrow(/EEXIST/);
  });
});
