/**
 * The one place a session media file is written from a stream: an imported clip's copy, the playable copy
 * made of it and a clip arriving in the import inbox. It writes through the data folder's MediaStore (#18): in
 * an encrypted folder each 64 KiB chunk is sealed (AES-256-GCM) before it reaches the disk, so no plaintext of
 * the clip is ever written there; the first chunk is held in memory until close, where the Matroska finisher
 * may patch it (the duration and seek index of a stream ffmpeg wrote to a pipe) before it is sealed.
 *
 * A file is written under a hidden `.media-<uuid>.part` name beside its final name (exclusive create, 0600),
 * synced, then linked to its final name, which must not exist: a crash leaves only a `.part` that
 * removeUnfinishedMediaFiles clears at the next start, never a half-written file under a real name.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { storeFor } from '../crypto/media-mounts.js';
import { ClearMediaStore, type MediaStore, type StoredMediaWriter } from '../crypto/media-store.js';

/** A session media file being written in order; `close(patch)` may rewrite bytes in the first `headBytes`. */
export interface SessionMediaWriter {
  readonly headBytes: number;
  write(data: Uint8Array): Promise<void>;
  close(patch?: (head: Buffer) => void): Promise<void>;
  /** Deletes the unfinished file. */
  abort(): Promise<void>;
}

const PART = /^\.media-[0-9a-f-]{36}\.part$/;
const CLEAR = new ClearMediaStore();

/**
 * The store a file in a data folder is written and read through: the one given, else the one its data folder's
 * core mounted (crypto/media-mounts.ts), else plain files (a folder no core has open: tests, tools).
 */
export function mediaStoreOf(file: string, store?: MediaStore): MediaStore {
  return store ?? storeFor(file) ?? CLEAR;
}

class PartFileWriter implements SessionMediaWriter {
  private done = false;

  constructor(
    private readonly w: StoredMediaWriter,
    private readonly part: string,
    private readonly final: string,
  ) {}

  get headBytes(): number {
    return this.w.headBytes;
  }

  write(data: Uint8Array): Promise<void> {
    return this.w.write(data);
  }

  async close(patch?: (head: Buffer) => void): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.w.close(patch); // synced to disk
    } catch (e) {
      await this.w.abort();
      rmSync(this.part, { force: true });
      throw e;
    }
    try {
      // link() refuses an existing name, so nothing already stored is ever replaced.
      try {
        linkSync(this.part, this.final);
        rmSync(this.part, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw e;
        // File systems without hard links (some network and FAT drives): a rename, after checking the name is free.
        if (existsSync(this.final)) throw Object.assign(new Error(`${path.basename(this.final)} already exists`), { code: 'EEXIST' });
        renameSync(this.part, this.final);
      }
    } catch (e) {
      rmSync(this.part, { force: true });
      throw e;
    }
  }

  async abort(): Promise<void> {
    if (!this.done) {
      this.done = true;
      await this.w.abort();
    }
    rmSync(this.part, { force: true });
  }
}

/**
 * Starts writing `file` (in a session folder that exists) through `store` (default: its folder's, see
 * mediaStoreOf); the name must be free when it is closed.
 */
export async function createSessionMediaFile(file: string, store?: MediaStore): Promise<SessionMediaWriter> {
  const part = path.join(path.dirname(file), `.media-${randomUUID()}.part`);
  const w = await mediaStoreOf(file, store).create(part, { deferHead: true });
  return new PartFileWriter(w, part, file);
}

/** Writes a whole stream into a new session media file; an error or a cancel leaves nothing behind. */
export async function writeSessionMediaFile(file: string, source: AsyncIterable<Uint8Array>, onChunk?: (chunk: Uint8Array) => void, store?: MediaStore): Promise<number> {
  const w = await createSessionMediaFile(file, store);
  let bytes = 0;
  try {
    for await (const chunk of source) {
      onChunk?.(chunk);
      await w.write(chunk);
      bytes += chunk.byteLength;
    }
    await w.close();
    return bytes;
  } catch (e) {
    await w.abort();
    throw e;
  }
}

/**
 * A stored session media file's own bytes (decrypted where its folder is encrypted) and their count, for
 * hashing and sending it; never a clear copy on disk.
 */
export async function readStoredMedia(file: string, store?: MediaStore): Promise<{ size: number; chunks: AsyncGenerator<Buffer> }> {
  const r = await mediaStoreOf(file, store).open(file);
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      if (r.size > 0) yield* r.range(0, r.size - 1);
    } finally {
      await r.close();
    }
  }
  return { size: r.size, chunks: chunks() };
}

/** A stored session media file's own size (its plaintext's, where its folder is encrypted). */
export async function storedMediaSize(file: string, store?: MediaStore): Promise<number> {
  const r = await mediaStoreOf(file, store).open(file);
  await r.close();
  return r.size;
}

/** A file on this machine as a stream of chunks (an original clip being copied into a session). */
export async function* readFileChunks(file: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const h = await open(file, 'r');
  try {
    const buf = Buffer.alloc(4 * 1024 * 1024);
    for (;;) {
      if (signal?.aborted) throw signal.reason ?? new Error('Cancelled');
      const { bytesRead } = await h.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      yield Uint8Array.prototype.slice.call(buf, 0, bytesRead);
    }
  } finally {
    await h.close();
  }
}

/** Unfinished session media files a crash left behind in session folders and the import inbox (startup). */
export function removeUnfinishedMediaFiles(dataDir: string): number {
  const sessions = path.join(dataDir, 'sessions');
  const folders = [path.join(dataDir, 'imports'), ...(existsSync(sessions) ? readdirSync(sessions).map((id) => path.join(sessions, id)) : [])];
  let removed = 0;
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const n of names) {
      if (PART.test(n)) {
        rmSync(path.join(folder, n), { force: true });
        removed++;
      }
    }
  }
  return removed;
}
