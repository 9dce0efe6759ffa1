/**
 * Sealed layout: a finished media file as fixed-size AES-256-GCM chunks (64 KiB of plaintext each, the last
 * one shorter and flagged final), so any byte range is read by decrypting only the chunks it touches and a
 * file cut short is detected (its last chunk is not the one flagged final).
 *
 * File size = 64 (header) + Σ (chunk plaintext + 16). The plaintext size follows from the file size; the
 * reader checks it by authenticating the final chunk when it opens the file.
 */
import { close, closeSync, constants, fdatasync, fstat, open, read, rmSync, write, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { openChunk, sealChunk, sealedExtra } from './chunk-cipher.js';
import { SharedFd } from './shared-fd.js';
import { fileKey, HEADER_BYTES, Layout, MediaCryptoError, type MediaHeader, type MediaKey, newHeader, parseHeader, TAG_BYTES } from './media-header.js';

const pOpen = promisify(open);
const pClose = promisify(close);
const pFstat = promisify(fstat) as (fd: number) => Promise<Stats>;
const pRead = promisify(read);
const pWrite = promisify(write);
const pSync = promisify(fdatasync);

/** Open flags for a new file that must not exist yet and must not be reached through a symlink. */
export const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
export const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

async function writeAll(fd: number, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await pWrite(fd, buf, off, buf.length - off, position + off);
    off += bytesWritten;
  }
}

const cutShort = (): Error => new MediaCryptoError('Encrypted media file ended early (it was cut short while being read)');

async function readExactly(fd: number, length: number, position: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let off = 0;
  while (off < length) {
    const { bytesRead } = await pRead(fd, buf, off, length - off, position + off);
    if (bytesRead === 0) throw new MediaCryptoError('Encrypted media file ended early (it was cut short while being read)');
    off += bytesRead;
  }
  return buf;
}

export interface SealedWriterOptions {
  /**
   * Keep chunk 0 in memory until close(), which may change it before it is encrypted and written (the
   * Matroska finisher fills in the segment size, duration and cue position there). It is encrypted once.
   */
  deferFirstChunk?: boolean;
}

/**
 * Streams plaintext into a new sealed file (created exclusively, 0600). Memory: at most one chunk of
 * plaintext (two with deferFirstChunk). Nothing is readable as a complete file until close() succeeds.
 */
export class SealedWriter {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private index = 0;
  private first: Buffer | null = null;
  private firstFinal = false;
  private closed = false;
  private position = 0;
  /** Plaintext bytes accepted so far. */
  size = 0;

  private constructor(
    readonly file: string,
    private readonly fd: number,
    private readonly header: MediaHeader,
    private readonly key: Buffer,
    private readonly deferFirst: boolean,
  ) {}

  static async create(file: string, mediaKey: MediaKey, opts: SealedWriterOptions = {}): Promise<SealedWriter> {
    const header = newHeader(Layout.Sealed, mediaKey);
    const fd = await pOpen(file, CREATE_FLAGS, 0o600);
    const w = new SealedWriter(file, fd, header, fileKey(mediaKey, header), !!opts.deferFirstChunk);
    try {
      await writeAll(fd, header.raw, 0);
    } catch (e) {
      await w.abort();
      throw e;
    }
    w.position = HEADER_BYTES;
    return w;
  }

  get chunkBytes(): number {
    return this.header.chunkBytes;
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.closed) throw new MediaCryptoError('Write after close');
    const C = this.header.chunkBytes;
    let off = 0;
    while (off < data.byteLength) {
      const take = Math.min(C - this.bufferedBytes, data.byteLength - off);
      // Copied: the caller may reuse its buffer before the chunk is full.
      this.buffered.push(Buffer.from(data.subarray(off, off + take)));
      this.bufferedBytes += take;
      off += take;
      this.size += take;
      // A full chunk is written as not final; if nothing follows, close() adds an empty final chunk.
      if (this.bufferedBytes === C) await this.flushChunk(false);
    }
  }

  private async flushChunk(final: boolean): Promise<void> {
    const plain = Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [];
    this.bufferedBytes = 0;
    const index = this.index++;
    if (index === 0 && this.deferFirst) {
      this.first = Buffer.from(plain);
      // Later chunks go after chunk 0's place, which is sized for its plaintext length now.
      this.firstFinal = final;
      this.position += plain.length + TAG_BYTES;
      return;
    }
    const sealed = sealChunk(this.key, this.header, index, sealedExtra(final), plain);
    await writeAll(this.fd, sealed, this.position);
    this.position += sealed.length;
  }

  /**
   * Writes the final chunk (and a deferred chunk 0, after `patchFirst` may change its bytes in place, never
   * its length), syncs the file to disk and closes it.
   */
  async close(patchFirst?: (first: Buffer) => void): Promise<void> {
    if (this.closed) throw new MediaCryptoError('Closed twice');
    try {
      await this.flushChunk(true);
      if (this.first) {
        patchFirst?.(this.first);
        const sealed = sealChunk(this.key, this.header, 0, sealedExtra(this.firstFinal), this.first);
        this.first.fill(0);
        await writeAll(this.fd, sealed, HEADER_BYTES);
      } else if (patchFirst) {
        throw new MediaCryptoError('close(patchFirst) needs deferFirstChunk');
      }
      await pSync(this.fd);
    } catch (e) {
      await this.abort();
      throw e;
    }
    this.closed = true;
    await pClose(this.fd);
  }

  /** Closes and deletes the unfinished file. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.first?.fill(0);
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    rmSync(this.file, { force: true });
  }
}

/** Random-access reading of a sealed file. */
export class SealedReader {
  private readonly file: SharedFd;
  private constructor(
    fd: number,
    private readonly header: MediaHeader,
    private readonly key: Buffer,
    private readonly chunks: number,
    /** Plaintext bytes in the file. */
    readonly size: number,
  ) {
    this.file = new SharedFd(fd);
  }

  /**
   * Opens a sealed file (a path, opened without following symlinks, or an fd the reader then owns) and
   * authenticates its final chunk, so a truncated or extended file is refused here rather than mid-playback.
   */
  static async open(fileOrFd: string | number, mediaKey: MediaKey): Promise<SealedReader> {
    const fd = typeof fileOrFd === 'number' ? fileOrFd : await pOpen(fileOrFd, READ_FLAGS);
    try {
      const st = await pFstat(fd);
      if (!st.isFile()) throw new MediaCryptoError('Not a regular file');
      const header = parseHeader(await readExactly(fd, HEADER_BYTES, 0).catch(() => Buffer.alloc(0)), mediaKey, Layout.Sealed);
      const C = header.chunkBytes;
      const body = st.size - HEADER_BYTES;
      const rem = body % (C + TAG_BYTES);
      if (body < TAG_BYTES || (rem > 0 && rem < TAG_BYTES)) throw new MediaCryptoError('Encrypted media file is cut short (incomplete last chunk)');
      const chunks = Math.ceil(body / (C + TAG_BYTES));
      const lastPlain = rem === 0 ? C : rem - TAG_BYTES;
      const size = (chunks - 1) * C + lastPlain;
      const reader = new SealedReader(fd, header, fileKey(mediaKey, header), chunks, size);
      await reader.chunk(chunks - 1); // throws unless it is the chunk written as final
      return reader;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  get chunkBytes(): number {
    return this.header.chunkBytes;
  }

  private chunkLength(i: number): number {
    return i === this.chunks - 1 ? this.size - i * this.header.chunkBytes : this.header.chunkBytes;
  }

  private async chunk(i: number): Promise<Buffer> {
    const C = this.header.chunkBytes;
    const sealed = await this.file.read(this.chunkLength(i) + TAG_BYTES, HEADER_BYTES + i * (C + TAG_BYTES), cutShort);
    return openChunk(this.key, this.header, i, sealedExtra(i === this.chunks - 1), sealed);
  }

  /**
   * Plaintext bytes [start, end] (inclusive), one piece per chunk, read and decrypted in batches of at most
   * `batchChunks` chunks (the first batches smaller: 1, 2, 4 … chunks, so the first bytes of a range go out
   * after one chunk), decrypting only the chunks the range touches. Reads ahead nothing beyond the batch: the
   * consumer's pace sets the memory used.
   */
  async *range(start: number, end: number, batchChunks = 16): AsyncGenerator<Buffer> {
    if (start < 0 || end >= this.size || start > end) {
      if (this.size === 0 && start === 0 && end === -1) return;
      throw new RangeError(`Range ${start}-${end} outside 0-${this.size - 1}`);
    }
    const C = this.header.chunkBytes;
    let first = Math.floor(start / C);
    const last = Math.floor(end / C);
    let batch = 1;
    // One read buffer for the whole range, reused batch after batch (each chunk is decrypted out of it into its
    // own buffer before the next read): serving a seek allocated three bytes per byte sent, and the garbage
    // collector's share of a seek's CPU grew with it.
    let scratch: Buffer | null = null;
    while (first <= last) {
      const upto = Math.min(last, first + batch - 1);
      batch = Math.min(batchChunks, batch * 2);
      // One read for the whole batch, then each chunk decrypted from it.
      const from = HEADER_BYTES + first * (C + TAG_BYTES);
      const to = HEADER_BYTES + upto * (C + TAG_BYTES) + this.chunkLength(upto) + TAG_BYTES;
      scratch = scratch && scratch.length >= to - from ? scratch : Buffer.allocUnsafe(Math.min(batchChunks, last - first + 1) * (C + TAG_BYTES));
      const raw = await this.file.read(to - from, from, cutShort, scratch);
      const parts: Buffer[] = [];
      for (let i = first; i <= upto; i++) {
        const at = (i - first) * (C + TAG_BYTES);
        const plain = openChunk(this.key, this.header, i, sealedExtra(i === this.chunks - 1), raw.subarray(at, at + this.chunkLength(i) + TAG_BYTES));
        const lo = i === Math.floor(start / C) ? start - i * C : 0;
        const hi = i === last ? end - i * C + 1 : plain.length;
        parts.push(plain.subarray(lo, hi));
      }
      // Each chunk's plaintext as its own piece: joining a batch would copy every byte once more.
      yield* parts;
      first = upto + 1;
    }
  }

  /** The whole of [start, end] in one buffer (for small ranges). */
  async read(start: number, end: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const p of this.range(start, end)) parts.push(p);
    return Buffer.concat(parts);
  }

  /** Closes the file once the reads in flight have ended. */
  close(): Promise<void> {
    return this.file.close();
  }
}
