/**
 * Every read and write of session media goes through the data folder's MediaStore, so recording, import,
 * analysis and playback work the same on an encrypted folder (sealed and journal files, see sealed-file.ts
 * and journal-file.ts) and on a clear one (plain files, as before encryption existed).
 */
import { close, closeSync, constants, createReadStream, fdatasyncSync, fstat, open, openSync, readSync, rmSync, write, writeSync, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { type JournalReadResult, JournalWriter, readJournal } from './journal-file.js';
import type { MediaKey } from './media-header.js';
import { type RangeSource, MediaTap, type TapInput } from './media-tap.js';
import { CREATE_FLAGS, READ_FLAGS, SealedReader, SealedWriter } from './sealed-file.js';
import { SharedFd } from './shared-fd.js';
import { appendSyncedSync } from './synced-append.js';

const pOpen = promisify(open);
const pClose = promisify(close);
const pFstat = promisify(fstat) as (fd: number) => Promise<Stats>;
const pWrite = promisify(write);

export type StoredMediaReader = RangeSource;

/** A new stored file, written as a stream. `close(patch)` may rewrite bytes in the first `headBytes`. */
export interface StoredMediaWriter {
  readonly headBytes: number;
  write(data: Uint8Array): Promise<void>;
  close(patch?: (head: Buffer) => void): Promise<void>;
  /** Deletes the unfinished file. */
  abort(): Promise<void>;
}

/**
 * A recording in progress: every append is on disk before append() returns; an append that fails (a full
 * disk) leaves the file as it was before it, so a retry appends the data exactly once.
 */
export interface RecordingJournal {
  append(data: Uint8Array): void;
  close(): void;
}

/** An ffmpeg/ffprobe input for a stored file. */
export type FfmpegSource = Omit<TapInput, 'env'> & { env: NodeJS.ProcessEnv | undefined };

export interface MediaStore {
  readonly encrypted: boolean;
  /** Opens a stored file for range reads; refuses symlinks. Throws ENOENT like fs when it is missing. */
  open(file: string): Promise<StoredMediaReader>;
  /** Creates a file that must not exist yet (0600). */
  create(file: string, opts?: { deferHead?: boolean }): Promise<StoredMediaWriter>;
  createJournal(file: string): RecordingJournal;
  /** A journal's content up to its first incomplete or damaged record (see result.tornBytes). */
  readJournal(file: string, result?: JournalReadResult): AsyncIterable<Buffer>;
  /** Lets ffmpeg read a stored file (decrypting on the fly where it is encrypted) until release(). */
  ffmpegSource(file: string): Promise<FfmpegSource>;
  /** Stops every read in progress and forgets the key. */
  close(): Promise<void>;
}

const HEAD_BYTES_CLEAR = 64 * 1024;

class ClearReader implements StoredMediaReader {
  private readonly file: SharedFd;
  constructor(
    fd: number,
    readonly size: number,
  ) {
    this.file = new SharedFd(fd);
  }
  async *range(start: number, end: number): AsyncGenerator<Buffer> {
    const PIECE = 1024 * 1024;
    for (let at = start; at <= end && at < this.size; at += PIECE) {
      yield await this.file.read(Math.min(PIECE, end - at + 1, this.size - at), at, () => new Error('The media file was cut short while being read'));
    }
  }
  close(): Promise<void> {
    return this.file.close();
  }
}

class ClearWriter implements StoredMediaWriter {
  readonly headBytes = HEAD_BYTES_CLEAR;
  private position = 0;
  constructor(
    private readonly file: string,
    private readonly fd: number,
  ) {}
  async write(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.byteLength) off += (await pWrite(this.fd, data, off, data.byteLength - off, this.position + off)).bytesWritten;
    this.position += data.byteLength;
  }
  async close(patch?: (head: Buffer) => void): Promise<void> {
    if (patch) {
      const head = Buffer.alloc(Math.min(HEAD_BYTES_CLEAR, this.position));
      readSync(this.fd, head, 0, head.length, 0);
      patch(head);
      writeSync(this.fd, head, 0, head.length, 0);
    }
    fdatasyncSync(this.fd);
    await pClose(this.fd);
  }
  async abort(): Promise<void> {
    try {
      closeSync(this.fd);
    } catch {
      /* closed */
    }
    rmSync(this.file, { force: true });
  }
}

class ClearJournal implements RecordingJournal {
  private readonly fd: number;
  private committed = 0;
  constructor(file: string) {
    this.fd = openSync(file, CREATE_FLAGS, 0o600);
  }
  append(data: Uint8Array): void {
    // On failure the file is cut back to what was acknowledged, so a resend of this data lands right after it.
    appendSyncedSync(this.fd, data, this.committed);
    this.committed += data.byteLength;
  }
  close(): void {
    closeSync(this.fd);
  }
}

async function openRegular(file: string): Promise<{ fd: number; size: number }> {
  const fd = await pOpen(file, READ_FLAGS);
  const st = await pFstat(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw Object.assign(new Error(`${file} is not a regular file`), { code: 'ENOTFILE' });
  }
  return { fd, size: st.size };
}

/** Media of a data folder without encryption: plain files. */
export class ClearMediaStore implements MediaStore {
  readonly encrypted = false;
  async open(file: string): Promise<StoredMediaReader> {
    const { fd, size } = await openRegular(file);
    return new ClearReader(fd, size);
  }
  async create(file: string): Promise<StoredMediaWriter> {
    // Read-write: close(patch) reads its first bytes back.
    return new ClearWriter(file, await pOpen(file, (CREATE_FLAGS & ~constants.O_WRONLY) | constants.O_RDWR, 0o600));
  }
  createJournal(file: string): RecordingJournal {
    return new ClearJournal(file);
  }
  async *readJournal(file: string, result?: JournalReadResult): AsyncGenerator<Buffer> {
    for await (const b of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
      if (result) result.bytes += b.length;
      yield b;
    }
  }
  async ffmpegSource(file: string): Promise<FfmpegSource> {
    return { url: file, env: undefined, protocols: 'file', release: async () => undefined };
  }
  async close(): Promise<void> {}
}

/** Media of an encrypted data folder: sealed files, journals while recording, a tap for ffmpeg. */
export class EncryptedMediaStore implements MediaStore {
  readonly encrypted = true;
  private readonly tap = new MediaTap();
  constructor(private readonly key: MediaKey) {}

  async open(file: string): Promise<StoredMediaReader> {
    return SealedReader.open(file, this.key);
  }
  async create(file: string, opts: { deferHead?: boolean } = {}): Promise<StoredMediaWriter> {
    const w = await SealedWriter.create(file, this.key, { deferFirstChunk: opts.deferHead });
    return { headBytes: opts.deferHead ? w.chunkBytes : 0, write: (d) => w.write(d), close: (p) => w.close(p), abort: () => w.abort() };
  }
  createJournal(file: string): RecordingJournal {
    return JournalWriter.create(file, this.key);
  }
  readJournal(file: string, result?: JournalReadResult): AsyncIterable<Buffer> {
    return readJournal(file, this.key, result);
  }
  async ffmpegSource(file: string): Promise<FfmpegSource> {
    return this.tap.register(await this.open(file));
  }
  async close(): Promise<void> {
    await this.tap.close();
    this.key.key.fill(0);
  }
}
