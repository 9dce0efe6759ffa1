/**
 * The one place a session media file is written from a stream: an imported clip's copy and the playable copy
 * made of it. Encryption at rest (#18) wraps exactly this: a writer that seals each chunk instead of writing
 * it in clear, with the same interface (enc's StoredMediaWriter: the first `headBytes` may be patched at close,
 * which the Matroska finisher needs to fill in the duration and seek index of a stream ffmpeg wrote to a pipe).
 *
 * A file is written under a hidden `.media-<uuid>.part` name beside its final name (exclusive create, 0600),
 * synced, then linked to its final name, which must not exist: a crash leaves only a `.part` that
 * removeUnfinishedMediaFiles clears at the next start, never a half-written file under a real name.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, openSync, readdirSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';

/** A session media file being written in order; `close(patch)` may rewrite bytes in the first `headBytes`. */
export interface SessionMediaWriter {
  readonly headBytes: number;
  write(data: Uint8Array): Promise<void>;
  close(patch?: (head: Buffer) => void): Promise<void>;
  /** Deletes the unfinished file. */
  abort(): Promise<void>;
}

const HEAD_BYTES = 64 * 1024;
const PART = /^\.media-[0-9a-f-]{36}\.part$/;

class ClearSessionMediaWriter implements SessionMediaWriter {
  readonly headBytes = HEAD_BYTES;
  private done = false;

  constructor(
    private readonly fd: number,
    private readonly part: string,
    private readonly final: string,
  ) {}

  async write(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.byteLength) off += writeSync(this.fd, data, off, data.byteLength - off);
  }

  async close(patch?: (head: Buffer) => void): Promise<void> {
    if (this.done) return;
    try {
      if (patch) {
        const head = Buffer.alloc(HEAD_BYTES);
        const n = readSync(this.fd, head, 0, HEAD_BYTES, 0);
        patch(head.subarray(0, n));
        writeSync(this.fd, head, 0, n, 0);
      }
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.done = true;
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
      if (!this.done) closeSync(this.fd);
      this.done = true;
      rmSync(this.part, { force: true });
      throw e;
    }
  }

  async abort(): Promise<void> {
    if (!this.done) {
      this.done = true;
      closeSync(this.fd);
    }
    rmSync(this.part, { force: true });
  }
}

/** Starts writing `file` (in a session folder that exists); the name must be free when it is closed. */
export async function createSessionMediaFile(file: string): Promise<SessionMediaWriter> {
  const part = path.join(path.dirname(file), `.media-${randomUUID()}.part`);
  const fd = openSync(part, 'wx+', 0o600);
  return new ClearSessionMediaWriter(fd, part, file);
}

/** Writes a whole stream into a new session media file; an error or a cancel leaves nothing behind. */
export async function writeSessionMediaFile(file: string, source: AsyncIterable<Uint8Array>, onChunk?: (chunk: Uint8Array) => void): Promise<number> {
  const w = await createSessionMediaFile(file);
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
