import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/make-media.js';
import { type JournalReadResult, JournalWriter, readJournal } from './journal-file.js';
import type { MediaKey } from './media-header.js';

const key: MediaKey = { id: randomBytes(16), key: randomBytes(32) };
const dir = tempDir('affect-journal-');
let n = 0;

async function readAll(file: string, result?: JournalReadResult): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of readJournal(file, key, result)) parts.push(p);
  return Buffer.concat(parts);
}

function journal(appends: Buffer[]): string {
  const file = path.join(dir, `j${n++}`);
  const w = JournalWriter.create(file, key);
  for (const a of appends) w.append(a);
  w.close();
  return file;
}

describe('journal (append-only encrypted recording)', () => {
  it('has each append on disk, encrypted, when append returns, and reads back what was appended', async () => {
    const file = path.join(dir, 'rec');
    const w = JournalWriter.create(file, key);
    const appends = [Buffer.from('P042 webm chunk one'), randomBytes(150_000), randomBytes(1)];
    let before = statSync(file).size;
    for (const a of appends) {
      w.append(a);
      const now = statSync(file).size;
      expect(now).toBeGreaterThan(before + a.length);
      before = now;
      expect(readFileSync(file).includes('P042')).toBe(false);
      // Readable while still being written (recovery needs nothing from the writer).
      expect((await readAll(file)).equals(Buffer.concat(appends.slice(0, appends.indexOf(a) + 1)))).toBe(true);
    }
    w.close();
  });

  it('drops only a torn last append after a crash (cut mid-record, or garbage after it)', async () => {
    const a = randomBytes(70_000);
    const b = randomBytes(30_000);
    const cut = journal([a, b]);
    truncateSync(cut, statSync(cut).size - 100);
    const result = { bytes: 0, tornBytes: 0 };
    // b was one record of 30 000 bytes: losing it is losing one unacknowledged MediaRecorder chunk.
    expect((await readAll(cut, result)).equals(a)).toBe(true);
    expect(result.tornBytes).toBe(4 + 30_000 + 16 - 100);

    const garbage = journal([a]);
    appendFileSync(garbage, randomBytes(500));
    expect((await readAll(garbage)).equals(a)).toBe(true);
    const zeros = journal([a]);
    appendFileSync(zeros, Buffer.alloc(8192));
    expect((await readAll(zeros)).equals(a)).toBe(true);
  });

  it('stops at a changed or reordered record and says how much it left out', async () => {
    const parts = [randomBytes(1000), randomBytes(1000), randomBytes(1000)];
    const file = journal(parts);
    const rec = 4 + 1000 + 16;
    const bytes = readFileSync(file);
    bytes[64 + rec + 10] ^= 1;
    writeFileSync(file, bytes);
    const result = { bytes: 0, tornBytes: 0 };
    expect((await readAll(file, result)).equals(parts[0])).toBe(true);
    expect(result.tornBytes).toBe(2 * rec);

    const swapped = journal([randomBytes(1000), randomBytes(1000), randomBytes(1000)]);
    const s = readFileSync(swapped);
    const first = Buffer.from(s.subarray(64, 64 + rec));
    s.copy(s, 64, 64 + rec, 64 + 2 * rec);
    first.copy(s, 64 + rec);
    writeFileSync(swapped, s);
    expect((await readAll(swapped)).length).toBe(0);
  });
});
