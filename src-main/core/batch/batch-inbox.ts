/**
 * Where an import item's file arrives before it becomes a session: `<data>/imports/<item id>.clip`, written
 * through the session media writer in numbered chunks (a page cannot hand over a path, so clips come as
 * uploads, in Electron and in browser mode alike). The name is the item's id: a picked file's own name is
 * never a path here. A file the queue is done with is removed; so is one whose item no longer exists.
 */
import { apiError } from '../../../src-shared/i18n/errors.js';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createSessionMediaFile, type SessionMediaWriter } from '../media/session-media-file.js';

interface Open {
  writer: SessionMediaWriter;
  nextSeq: number;
  received: number;
  size: number;
  lastActive: number;
}

/** Uploads open at once, as for single-clip imports. */
export const MAX_OPEN_INBOX = 8;
const IDLE_MS = 10 * 60_000;

export class BatchInbox {
  private readonly open = new Map<number, Open>();
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'imports');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  file(itemId: number): string {
    return path.join(this.dir, `${itemId}.clip`);
  }

  has(itemId: number): boolean {
    return existsSync(this.file(itemId));
  }

  received(itemId: number): number {
    return this.open.get(itemId)?.received ?? 0;
  }

  async chunk(itemId: number, size: number, seq: number, data: Uint8Array): Promise<number> {
    let u = this.open.get(itemId);
    if (seq === 0 && u) {
      // Chunk 0 again: the sender starts over (a page reloaded mid-upload).
      await this.abort(itemId);
      u = undefined;
    }
    if (!u) {
      if (seq !== 0) throw apiError('invalid_input', 'errors.batch.chunkOrder', { seq, expected: 0 });
      this.sweep();
      if (this.open.size >= MAX_OPEN_INBOX) throw apiError('conflict', 'errors.batch.tooManyUploads', { count: MAX_OPEN_INBOX });
      rmSync(this.file(itemId), { force: true });
      u = { writer: await createSessionMediaFile(this.file(itemId)), nextSeq: 0, received: 0, size, lastActive: Date.now() };
      this.open.set(itemId, u);
    }
    u.lastActive = Date.now();
    if (seq < u.nextSeq) return u.received;
    if (seq > u.nextSeq) throw apiError('invalid_input', 'errors.batch.chunkOrder', { seq, expected: u.nextSeq });
    if (u.received + data.byteLength > u.size) {
      await this.abort(itemId);
      throw apiError('invalid_input', 'errors.batch.tooManyBytes');
    }
    await u.writer.write(data);
    u.received += data.byteLength;
    u.nextSeq++;
    return u.received;
  }

  /** Completes the item's file; throws when it is short. */
  async done(itemId: number): Promise<void> {
    const u = this.open.get(itemId);
    if (!u) {
      if (this.has(itemId)) return;
      throw apiError('conflict', 'errors.batch.nothingArrived');
    }
    if (u.received !== u.size) throw apiError('invalid_input', 'errors.batch.incomplete', { received: u.received, size: u.size });
    this.open.delete(itemId);
    await u.writer.close();
  }

  async abort(itemId: number): Promise<void> {
    const u = this.open.get(itemId);
    this.open.delete(itemId);
    await u?.writer.abort();
  }

  remove(itemId: number): void {
    void this.abort(itemId);
    rmSync(this.file(itemId), { force: true });
  }

  /** Drops uploads nobody has sent to for a while. */
  private sweep(): void {
    const t = Date.now();
    for (const [id, u] of this.open) if (t - u.lastActive > IDLE_MS) void this.abort(id);
  }

  /** Removes files (complete or not) of items that no longer exist or need them no more. */
  prune(keep: (itemId: number) => boolean): void {
    // Only complete files: unfinished ones (.media-*.part) belong to uploads in progress, or are cleared at start.
    for (const name of readdirSync(this.dir)) {
      const m = /^(\d+)\.clip$/.exec(name);
      if (m && !keep(Number(m[1]))) rmSync(path.join(this.dir, name), { force: true });
    }
  }

  async close(): Promise<void> {
    for (const id of [...this.open.keys()]) await this.abort(id);
  }
}
