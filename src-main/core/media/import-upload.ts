/**
 * Clips uploaded from the renderer in chunks (the same way in Electron and in browser mode, where a page
 * cannot hand over a file path). Bytes land in <session>/.incoming/<upload id>.part, nowhere else; on finish
 * the file goes through the same checks as a path import and is moved into the session folder, or deleted
 * with a message when it is not a readable clip.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ClearMediaStore, type StoredMediaWriter } from '../crypto/media-store.js';
import { sessionFolder } from '../recording/session-folder.js';
import { type ImportDeps, type ImportOptions, type ImportOutcome, importMediaFiles, IMPORT_EXTENSIONS, IMPORT_TYPES, MAX_IMPORT_BYTES } from './import-media.js';
import { apiError } from '../../../src-shared/i18n/errors.js';

interface Upload {
  id: string;
  sessionId: number;
  fileName: string;
  size: number;
  file: string;
  /** Encrypted as it arrives in an encrypted data folder: an upload is never in clear on disk. */
  writer: StoredMediaWriter;
  /** Chunks are written one after another, whatever order their requests are handled in. */
  queue: Promise<unknown>;
  written: number;
  nextSeq: number;
  lastActive: number;
}

/** Uploads open at once: each holds a file open; a client cannot leave hundreds behind. */
export const MAX_OPEN_UPLOADS = 8;
/** An upload with no chunk for this long is abandoned: its file is closed and deleted. */
export const UPLOAD_IDLE_MS = 10 * 60_000;

export interface UploadOptions {
  idleMs?: number;
  now?: () => number;
}

export class ImportUploads {
  private readonly uploads = new Map<string, Upload>();
  private readonly idleMs: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly deps: ImportDeps,
    opts: UploadOptions = {},
  ) {
    this.idleMs = opts.idleMs ?? UPLOAD_IDLE_MS;
    this.now = opts.now ?? Date.now;
    removeStaleIncoming(deps.dataDir);
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, this.idleMs)).unref();
  }

  /** Aborts uploads idle for longer than the limit; returns how many. */
  sweep(): number {
    const t = this.now();
    const stale = [...this.uploads.values()].filter((u) => t - u.lastActive > this.idleMs);
    for (const u of stale) this.abort(u.id);
    return stale.length;
  }

  async begin(sessionId: number, fileName: string, size: number): Promise<{ uploadId: string }> {
    this.deps.sessions.get(sessionId);
    this.sweep();
    if (this.uploads.size >= MAX_OPEN_UPLOADS) throw apiError('conflict', 'errors.import.tooMany', { max: MAX_OPEN_UPLOADS });
    const ext = path.extname(fileName).toLowerCase();
    if (!IMPORT_TYPES[ext]) throw apiError('invalid_input', 'errors.import.type', { file: fileName, types: IMPORT_EXTENSIONS.join(', ') });
    if (size <= 0) throw apiError('invalid_input', 'errors.import.empty', { file: fileName });
    if (size > MAX_IMPORT_BYTES) throw apiError('invalid_input', 'errors.import.tooLarge', { file: fileName, size: MAX_IMPORT_BYTES / 1024 ** 3 });
    const dir = path.join(sessionFolder(this.deps.dataDir, sessionId), '.incoming');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const id = randomUUID();
    const file = path.join(dir, `${id}.part`);
    // Counted before the (asynchronous) create, so concurrent begins cannot exceed the limit.
    const placeholder = { id, sessionId, fileName, size, file, written: 0, nextSeq: 0, lastActive: this.now() };
    this.uploads.set(id, { ...placeholder, writer: null as unknown as StoredMediaWriter, queue: Promise.resolve() });
    try {
      const writer = await (this.deps.media ?? new ClearMediaStore()).create(file);
      this.uploads.set(id, { ...placeholder, writer, queue: Promise.resolve() });
    } catch (e) {
      this.uploads.delete(id);
      throw e;
    }
    return { uploadId: id };
  }

  private get(id: string): Upload {
    const u = this.uploads.get(id);
    if (!u) throw apiError('not_found', 'errors.import.noUpload');
    return u;
  }

  /** Appends a chunk; chunks are numbered from 0 and a resent one is ignored, so a retry cannot corrupt the file. */
  chunk(id: string, seq: number, data: Uint8Array): Promise<{ received: number }> {
    const u = this.get(id);
    u.lastActive = this.now();
    const step = async (): Promise<{ received: number }> => {
      if (seq < u.nextSeq) return { received: u.written };
      if (seq > u.nextSeq) throw apiError('invalid_input', 'errors.import.outOfOrder', { seq, expected: u.nextSeq });
      if (u.written + data.byteLength > u.size) {
        this.abort(id);
        throw apiError('invalid_input', 'errors.import.tooManyBytes', { file: u.fileName });
      }
      await u.writer.write(data);
      u.written += data.byteLength;
      u.nextSeq++;
      return { received: u.written };
    };
    const p = u.queue.then(step, step);
    u.queue = p.catch(() => undefined);
    return p;
  }

  async finish(id: string, onImported?: ImportOptions['onImported']): Promise<ImportOutcome> {
    const u = this.get(id);
    this.uploads.delete(id);
    await u.queue;
    try {
      await u.writer.close();
    } catch (e) {
      rmSync(u.file, { force: true });
      return { fileName: u.fileName, ok: false, message: `${u.fileName}: could not be saved (${e instanceof Error ? e.message : String(e)})` };
    }
    try {
      if (u.written !== u.size) return { fileName: u.fileName, ok: false, message: `${u.fileName}: upload incomplete (${u.written} of ${u.size} bytes)` };
      const [r] = await importMediaFiles(this.deps, u.sessionId, [u.file], { names: [u.fileName], move: true, onImported });
      return r;
    } finally {
      rmSync(u.file, { force: true });
    }
  }

  abort(id: string): void {
    const u = this.uploads.get(id);
    if (!u) return;
    this.uploads.delete(id);
    rmSync(u.file, { force: true });
    // Closed once a write in flight has ended (it lands in the removed file).
    void u.queue.then(() => u.writer?.abort());
  }

  /** Drops every unfinished upload (core closing). */
  abortAll(): void {
    clearInterval(this.sweeper);
    for (const id of [...this.uploads.keys()]) this.abort(id);
  }

  openCount(): number {
    return this.uploads.size;
  }
}

/** Uploads cut off by a crash leave <session>/.incoming/*.part behind; nothing can resume them. */
function removeStaleIncoming(dataDir: string): void {
  const sessions = path.join(dataDir, 'sessions');
  if (!existsSync(sessions)) return;
  for (const id of readdirSync(sessions)) rmSync(path.join(sessions, id, '.incoming'), { recursive: true, force: true });
}
