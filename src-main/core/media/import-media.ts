/**
 * Importing existing clips into a session: each file is checked (type, size, ffprobe can read it and finds a
 * video or audio stream, the participant consented to what it holds) before a byte is copied, then copied into
 * the session folder and listed as media kind 'import'. The original file name is not kept anywhere (names and
 * birth dates often travel in file names): the copy is named after its content's SHA-256 and keeps only the
 * extension. Files are independent: one unreadable clip gets its own message and the others go in.
 */
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, constants, copyFileSync, createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MediaFile } from '../../../src-shared/domain.js';
import { nowIso } from '../store/time.js';
import type { Db } from '../store/database.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { sessionFolder } from '../recording/session-folder.js';
import { ClearMediaStore, type MediaStore } from '../crypto/media-store.js';
import { measureMediaExtentMs, probeMedia } from './ffmpeg.js';

export const IMPORT_TYPES: Readonly<Record<string, string>> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
};

export const IMPORT_EXTENSIONS = Object.keys(IMPORT_TYPES);

/** Far above any session recording, far below filling a disk by mistake. */
export const MAX_IMPORT_BYTES = 64 * 1024 ** 3;

export type ImportOutcome = { fileName: string; ok: true; media: MediaFile; warning?: string } | { fileName: string; ok: false; message: string };

/** `clip-<first 16 hex digits of the content's SHA-256>.<ext>`: says nothing about where the file came from. */
export function contentFileName(sha256: string, originalName: string): string {
  return `clip-${sha256.slice(0, 16)}${path.extname(originalName).toLowerCase()}`;
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function uniqueName(folder: string, wanted: string, taken: Set<string>): string {
  const ext = path.extname(wanted);
  const base = path.basename(wanted, ext);
  let name = wanted;
  for (let i = 2; taken.has(name.toLowerCase()) || existsSync(path.join(folder, name)); i++) name = `${base}-${i}${ext}`;
  return name;
}

export interface ImportDeps {
  db: Db;
  dataDir: string;
  sessions: SessionsRepo;
  /** Why the session's participant may not have this clip (the missing consent, in words), or null. */
  consent?: (sessionId: number, holds: { video: boolean; audio: boolean }) => string | null;
  /** Where the copy goes: encrypted in an encrypted data folder (default: plain files). */
  media?: MediaStore;
}

/**
 * Puts the clip's bytes at `part` and returns their SHA-256 and size (of the clip itself, not of its
 * encrypted form). In an encrypted folder the copy is encrypted as it is read, so no clear copy is ever
 * written; an upload is already encrypted where it lies and is moved as it is.
 */
async function storeCopy(media: MediaStore, file: string, part: string, move: boolean): Promise<{ sha256: string; bytes: number }> {
  if (!media.encrypted) {
    if (move) renameSync(file, part);
    // A copy, never a link: the session keeps its clip even if the original is edited or deleted later.
    else copyFileSync(file, part, constants.COPYFILE_FICLONE);
    // A copy takes its source's mode; the session's copy is this user's alone.
    if (process.platform !== 'win32') chmodSync(part, 0o600);
    return { sha256: await sha256OfFile(part), bytes: statSync(part).size };
  }
  const hash = createHash('sha256');
  if (move) {
    renameSync(file, part);
    const r = await media.open(part);
    try {
      if (r.size > 0) for await (const b of r.range(0, r.size - 1)) hash.update(b);
      return { sha256: hash.digest('hex'), bytes: r.size };
    } finally {
      await r.close();
    }
  }
  const w = await media.create(part);
  let bytes = 0;
  try {
    for await (const b of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      hash.update(b);
      bytes += b.length;
      await w.write(b);
    }
    await w.close();
  } catch (e) {
    await w.abort();
    throw e;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Checks one file without touching the session; returns what it holds or a message for the user. */
/** A container whose stated length is off by more than this from what its packets cover gets a warning. */
const DURATION_TOLERANCE_MS = 500;

/**
 * The duration a clip really has: how far its packets go. When the container says otherwise (a truncated or
 * damaged file still claims its full length), the measured one is used and a warning says so.
 */
async function decodableDuration(file: string, displayName: string, stated: number | null): Promise<{ durationMs: number | null; warning?: string }> {
  const measured = await measureMediaExtentMs(file);
  if (measured === null) return { durationMs: stated };
  if (stated !== null && Math.abs(stated - measured) > Math.max(DURATION_TOLERANCE_MS, stated * 0.02)) {
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    return { durationMs: measured, warning: `${displayName}: the file says it lasts ${s(stated)} but only ${s(measured)} can be read (truncated or damaged); ${s(measured)} is used` };
  }
  return { durationMs: stated ?? measured };
}

export async function checkImportable(file: string, displayName = path.basename(file)): Promise<
  { ok: true; durationMs: number | null; hasVideo: boolean; hasAudio: boolean; bytes: number; mimeType: string; warning?: string } | { ok: false; message: string }
> {
  const ext = path.extname(displayName).toLowerCase();
  const mimeType = IMPORT_TYPES[ext];
  if (!mimeType) return { ok: false, message: `${displayName}: not a supported clip type (use ${IMPORT_EXTENSIONS.join(', ')})` };
  let bytes: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return { ok: false, message: `${displayName}: not a file` };
    bytes = st.size;
  } catch {
    return { ok: false, message: `${displayName}: file not found` };
  }
  if (bytes === 0) return { ok: false, message: `${displayName}: the file is empty` };
  if (bytes > MAX_IMPORT_BYTES) return { ok: false, message: `${displayName}: larger than ${MAX_IMPORT_BYTES / 1024 ** 3} GiB` };
  try {
    const probe = await probeMedia(file);
    const hasVideo = probe.streams.some((s) => s.type === 'video');
    const hasAudio = probe.streams.some((s) => s.type === 'audio');
    if (!hasVideo && !hasAudio) return { ok: false, message: `${displayName}: no video or audio stream in the file` };
    const { durationMs, warning } = await decodableDuration(file, displayName, probe.durationMs);
    if (durationMs !== null && durationMs <= 0) return { ok: false, message: `${displayName}: nothing in the file can be read` };
    return { ok: true, durationMs, hasVideo, hasAudio, bytes, mimeType, ...(warning ? { warning } : {}) };
  } catch (e) {
    return { ok: false, message: `${displayName}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export interface ImportOptions {
  /** The name each file is known by (an upload's original name); default: its own base name. */
  names?: readonly string[];
  /** Move instead of copy (an upload's own temporary file). */
  move?: boolean;
  /** Called inside the transaction that adds each clip to the session (the request layer audits it there, by id). */
  onImported?: (media: MediaFile, originalName: string) => void;
}

/** Imports files (paths on this machine) into a session. */
export async function importMediaFiles(deps: ImportDeps, sessionId: number, files: readonly string[], opts: ImportOptions = {}): Promise<ImportOutcome[]> {
  deps.sessions.get(sessionId); // not_found before anything else
  const folder = sessionFolder(deps.dataDir, sessionId);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const taken = new Set(deps.sessions.get(sessionId).media.map((m) => m.fileName.toLowerCase()));
  const out: ImportOutcome[] = [];
  for (const [i, file] of files.entries()) {
    const displayName = opts.names?.[i] ?? path.basename(file);
    const checked = await checkImportable(file, displayName);
    if (!checked.ok) {
      out.push({ fileName: displayName, ok: false, message: checked.message });
      continue;
    }
    const refused = deps.consent?.(sessionId, { video: checked.hasVideo, audio: checked.hasAudio }) ?? null;
    if (refused) {
      out.push({ fileName: displayName, ok: false, message: `${displayName}: ${refused}` });
      continue;
    }
    const part = path.join(folder, `.import-${randomUUID()}.part`);
    let name: string;
    let sha256: string;
    let bytes: number;
    try {
      ({ sha256, bytes } = await storeCopy(deps.media ?? new ClearMediaStore(), file, part, opts.move === true));
      name = uniqueName(folder, contentFileName(sha256, displayName), taken);
      renameSync(part, path.join(folder, name));
    } catch (e) {
      rmSync(part, { force: true });
      out.push({ fileName: displayName, ok: false, message: `${displayName}: could not copy into the session folder (${e instanceof Error ? e.message : String(e)})` });
      continue;
    }
    taken.add(name.toLowerCase());
    const media = deps.db.transaction(() => {
      const m = deps.sessions.addMedia({
        sessionId,
        kind: 'import',
        fileName: name,
        mimeType: checked.mimeType,
        bytes,
        durationMs: checked.durationMs,
        hasVideo: checked.hasVideo,
        hasAudio: checked.hasAudio,
        sha256,
      });
      opts.onImported?.(m, displayName);
      // A session made from imported clips is complete as soon as it has media: its duration is the clip's.
      if (deps.sessions.get(sessionId).status === 'created') {
        deps.sessions.markEnded(sessionId, { status: 'completed', endedAt: nowIso(), durationMs: checked.durationMs, detail: ['Imported clip', checked.warning].filter(Boolean).join('. ') });
      }
      return m;
    })();
    out.push({ fileName: displayName, ok: true, media, ...(checked.warning ? { warning: checked.warning } : {}) });
  }
  return out;
}
