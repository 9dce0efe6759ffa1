/**
 * Journal layout: an encrypted file that grows by appending, for data that must be on disk the moment it is
 * acknowledged (a recording's MediaRecorder chunks). Each append becomes one or more records
 *
 *   u32 plaintext length L (≤ chunk size) | L bytes of AES-256-GCM ciphertext | 16-byte tag
 *
 * with the record's index and length in its authenticated data, and is synced to disk before append()
 * returns. A record is never rewritten (that would reuse a nonce). After a crash the file ends with whole
 * records, possibly followed by a torn one that was never acknowledged: the reader stops there.
 */
import { closeSync, createReadStream, fdatasyncSync, fstatSync, openSync, rmSync } from 'node:fs';
import { journalExtra, openChunk, sealChunk } from './chunk-cipher.js';
import { fileKey, HEADER_BYTES, Layout, MediaCryptoError, type MediaHeader, type MediaKey, newHeader, parseHeader, TAG_BYTES } from './media-header.js';
import { CREATE_FLAGS, READ_FLAGS } from './sealed-file.js';
import { appendSyncedSync, writeAllSync } from './synced-append.js';

export class JournalWriter {
  private index = 0;
  /** File offset up to which everything is written, synced and acknowledged. */
  private committed = HEADER_BYTES;
  /** Plaintext bytes acknowledged so far. */
  size = 0;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly fd: number,
    private readonly header: MediaHeader,
    private readonly key: Buffer,
  ) {}

  /** A new journal (exclusive create, 0600), its header synced to disk. */
  static create(file: string, mediaKey: MediaKey): JournalWriter {
    const header = newHeader(Layout.Journal, mediaKey);
    const fd = openSync(file, CREATE_FLAGS, 0o600);
    try {
      writeAllSync(fd, header.raw, 0);
      fdatasyncSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(file, { force: true });
      throw e;
    }
    return new JournalWriter(file, fd, header, fileKey(mediaKey, header));
  }

  /**
   * Encrypts and appends `data`, then syncs. If writing or syncing fails (a full disk), the file is cut back
   * to the last acknowledged byte, so a retry of the same data appends it exactly once.
   */
  append(data: Uint8Array): void {
    if (this.closed) throw new MediaCryptoError('Append after close');
    const C = this.header.chunkBytes;
    const records: Buffer[] = [];
    let index = this.index;
    for (let off = 0; off < data.byteLength; off += C) {
      const plain = data.subarray(off, Math.min(off + C, data.byteLength));
      const len = Buffer.alloc(4);
      len.writeUInt32BE(plain.byteLength);
      records.push(len, sealChunk(this.key, this.header, index++, journalExtra(plain.byteLength), plain));
    }
    const bytes = Buffer.concat(records);
    appendSyncedSync(this.fd, bytes, this.committed);
    this.index = index;
    this.committed += bytes.length;
    this.size += data.byteLength;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

export interface JournalReadResult {
  /** Plaintext bytes read. */
  bytes: number;
  /** Bytes after the last authentic record: an append a crash cut off (or damage), left out. */
  tornBytes: number;
}

/**
 * The journal's plaintext, record by record, up to the first record that is incomplete or not authentic. A
 * crash can only tear appends that were never acknowledged, and those are at the end; damage or tampering
 * elsewhere also ends the readable part there. Everything yielded is authentic and in its written order;
 * what was left out is in `result.tornBytes`.
 */
export async function* readJournal(file: string, mediaKey: MediaKey, result: JournalReadResult = { bytes: 0, tornBytes: 0 }): AsyncGenerator<Buffer> {
  const fd = openSync(file, READ_FLAGS);
  const fileSize = fstatSync(fd).size;
  const stream = createReadStream('', { fd, highWaterMark: 256 * 1024 });
  let pending: Buffer = Buffer.alloc(0);
  let header: MediaHeader | null = null;
  let key: Buffer | null = null;
  let index = 0;
  let consumed = 0;
  try {
    reading: for await (const piece of stream as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, piece]) : piece;
      if (!header) {
        if (pending.length < HEADER_BYTES) continue;
        header = parseHeader(pending.subarray(0, HEADER_BYTES), mediaKey, Layout.Journal);
        key = fileKey(mediaKey, header);
        pending = pending.subarray(HEADER_BYTES);
        consumed = HEADER_BYTES;
      }
      for (;;) {
        if (pending.length < 4) break;
        const len = pending.readUInt32BE(0);
        if (len > header.chunkBytes) break reading;
        const total = 4 + len + TAG_BYTES;
        if (pending.length < total) break;
        let plain: Buffer;
        try {
          plain = openChunk(key!, header, index, journalExtra(len), pending.subarray(4, total));
        } catch {
          break reading;
        }
        index++;
        consumed += total;
        result.bytes += plain.length;
        pending = pending.subarray(total);
        yield plain;
      }
    }
    if (!header) throw new MediaCryptoError('Encrypted recording has no complete header');
    result.tornBytes = fileSize - consumed;
  } finally {
    stream.destroy();
  }
}
