/**
 * Importing existing clips into a session: each file is checked (type, size, ffprobe can read it and finds a
 * video or audio stream, the participant consented to what it holds) before a byte is copied, then copied into
 * the session folder and listed as media kind 'import'. The original file name is not kept anywhere (names and
 * birth dates often travel in file names): the copy is named after its content's SHA-256 and keeps only the
 * extension. Files are independent: one unreadable clip gets its own message and the others go in.
 */
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MediaFile } from '../../../src-shared/domain.js';
import { type Note, note, noteEnglish } from '../../../src-shared/i18n/notes.js';
import { nowIso } from '../store/time.js';
import type { Db } from '../store/database.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { sessionFolder } from '../recording/session-folder.js';
import type { MediaStore } from '../crypto/media-store.js';
import { measureMediaExtentMs, moveProbedFile, probeMedia } from './ffmpeg.js';
import { mediaStoreOf, readFileChunks, readStoredMedia, storedMediaSize, writeSessionMediaFile } from './session-media-file.js';

export { IMPORT_TYPES, IMPORT_EXTENSIONS } from '../../../src-shared/media-types.js';
import { IMPORT_TYPES, IMPORT_EXTENSIONS } from '../../../src-shared/media-types.js';


/** Far above any session recording, far below filling a disk by mistake. */
export const MAX_IMPORT_BYTES = 64 * 1024 ** 3;

export type ImportOutcome =
  | { fileName: string; ok: true; media: MediaFile; warning?: string; warningNotes?: Note[] }
  | { fileName: string; ok: false; message: string; note?: Note };

/** A refusal: its English text (logs, the command line) and its catalogue entry (the interface). */
const refused = (n: Note) => ({ ok: false as const, message: noteEnglish(n), note: n });

/** `clip-<first 16 hex digits of the content's SHA-256>.<ext>`: says nothing about where the file came from. */
export function contentFileName(sha256: string, originalName: string): string {
  return `clip-${sha256.slice(0, 16)}${path.extname(originalName).toLowerCase()}`;
}

/** SHA-256 of a file's own bytes: a stored file in an encrypted folder is hashed as it decrypts, never copied out. */
export async function sha256OfFile(file: string, store?: MediaStore): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of (await readStoredMedia(file, store)).chunks) hash.update(chunk);
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
 * encrypted form). A copy goes through the session media writer, encrypted as it is read in an encrypted
 * folder, so no clear copy is ever written; an upload or an inbox clip is already stored (encrypted where the
 * folder is) where it lies and is moved as it is.
 */
async function storeCopy(media: MediaStore, file: string, part: string, move: boolean): Promise<{ sha256: string; bytes: number }> {
  if (move) {
    // The upload was probed by the check just before: the move keeps that probe for the playable check.
    await moveProbedFile(file, part, () => {
      if (process.platform !== 'win32') chmodSync(part, 0o600);
    });
    const stored = await readStoredMedia(part, media);
    const hash = createHash('sha256');
    for await (const b of stored.chunks) hash.update(b);
    return { sha256: hash.digest('hex'), bytes: stored.size };
  }
  // A copy, never a link: the session keeps its clip even if the original is edited or deleted later.
  const hash = createHash('sha256');
  const bytes = await writeSessionMediaFile(part, readFileChunks(file), (c) => hash.update(c), media);
  return { sha256: hash.digest('hex'), bytes };
}

/** A container whose stated length is off by more than this from what its packets cover gets a warning. */
const DURATION_TOLERANCE_MS = 500;

/**
 * The duration a clip really has: how far its packets go. When the container says otherwise (a truncated or
 * damaged file still claims its full length), the measured one is used and a warning says so.
 */
function decodableDuration(displayName: string, stated: number | null, measured: number | null): { durationMs: number | null; warning?: Note } {
  if (measured === null) return { durationMs: stated };
  if (stated !== null && Math.abs(stated - measured) > Math.max(DURATION_TOLERANCE_MS, stated * 0.02)) {
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    return { durationMs: measured, warning: note('corpus.check.truncated', { name: displayName, stated: s(stated), measured: s(measured) }) };
  }
  return { durationMs: stated ?? measured };
}

/** Checks one file without touching the session; returns what it holds or a message for the user. */
export async function checkImportable(file: string, displayName = path.basename(file)): Promise<
  | { ok: true; durationMs: number | null; hasVideo: boolean; hasAudio: boolean; bytes: number; mimeType: string; warning?: string; warningNote?: Note }
  | { ok: false; message: string; note: Note }
> {
  const name = displayName;
  const ext = path.extname(displayName).toLowerCase();
  const mimeType = IMPORT_TYPES[ext];
  if (!mimeType) return refused(note('corpus.check.unsupported', { name, types: IMPORT_EXTENSIONS.join(', ') }));
  let bytes: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return refused(note('corpus.check.notFile', { name }));
    // A clip already in an encrypted data folder (the import inbox) counts its own bytes, not its sealed form.
    bytes = mediaStoreOf(file).encrypted ? await storedMediaSize(file) : st.size;
  } catch {
    return refused(note('corpus.check.notFound', { name }));
  }
  if (bytes === 0) return refused(note('corpus.check.empty', { name }));
  if (bytes > MAX_IMPORT_BYTES) return refused(note('corpus.check.tooLarge', { name, gib: MAX_IMPORT_BYTES / 1024 ** 3 }));
  // The probe and the packet scan are two ffmpeg runs of ~0.15 s start-up each: run side by side, they cost
  // one. Both are awaited, so nothing still reads the file when a refused upload is removed.
  const [probed, extent] = await Promise.allSettled([probeMedia(file), measureMediaExtentMs(file)]);
  try {
    if (probed.status === 'rejected') throw probed.reason;
    const probe = probed.value;
    const hasVideo = probe.streams.some((s) => s.type === 'video');
    const hasAudio = probe.streams.some((s) => s.type === 'audio');
    if (!hasVideo && !hasAudio) return refused(note('corpus.check.noStreams', { name }));
    const { durationMs, warning } = decodableDuration(displayName, probe.durationMs, extent.status === 'fulfilled' ? extent.value : null);
    if (durationMs !== null && durationMs <= 0) return refused(note('corpus.check.unreadable', { name }));
    // A container that can hold video but holds only sound is listed as audio (Review shows a waveform).
    const mime = !hasVideo && mimeType.startsWith('video/') ? mimeType.replace('video/', 'audio/') : mimeType;
    return { ok: true, durationMs, hasVideo, hasAudio, bytes, mimeType: mime, ...(warning ? { warning: noteEnglish(warning), warningNote: warning } : {}) };
  } catch (e) {
    // ffprobe names the file it read: a temporary name means nothing to the user, so theirs is said instead.
    return refused(note('corpus.check.probeFailed', { name, detail: (e instanceof Error ? e.message : String(e)).split(file).join(displayName) }));
  }
}

export type CheckedClip = Extract<Awaited<ReturnType<typeof checkImportable>>, { ok: true }>;

/**
 * Lists a clip already in the session folder (under `name`) as the session's media, in one transaction with
 * `alsoInTransaction` (the queue records its progress there) and `onImported` (the request layer's audit). A
 * session made from imported clips is complete as soon as it has media: its duration is the clip's.
 */
export function listImportedClip(
  deps: Pick<ImportDeps, 'db' | 'sessions'>,
  sessionId: number,
  name: string,
  sha256: string,
  checked: CheckedClip,
  alsoInTransaction: (media: MediaFile) => void = () => undefined,
  onImported: (media: MediaFile) => void = () => undefined,
): MediaFile {
  return deps.db.transaction(() => {
    const m = deps.sessions.addMedia({
      sessionId,
      kind: 'import',
      fileName: name,
      mimeType: checked.mimeType,
      bytes: checked.bytes,
      durationMs: checked.durationMs,
      hasVideo: checked.hasVideo,
      hasAudio: checked.hasAudio,
      sha256,
    });
    onImported(m);
    alsoInTransaction(m);
    if (deps.sessions.get(sessionId).status === 'created') {
      deps.sessions.markEnded(sessionId, { status: 'completed', endedAt: nowIso(), durationMs: checked.durationMs, detail: ['Imported clip', checked.warning].filter(Boolean).join('. ') });
    }
    return m;
  })();
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
      out.push({ fileName: displayName, ...refused(checked.note) });
      continue;
    }
    const noConsent = deps.consent?.(sessionId, { video: checked.hasVideo, audio: checked.hasAudio }) ?? null;
    if (noConsent) {
      out.push({ fileName: displayName, ...refused(note('corpus.check.consent', { name: displayName, detail: noConsent })) });
      continue;
    }
    const part = path.join(folder, `.media-${randomUUID()}.part`); // cleared at start if a crash leaves it
    let name: string;
    let sha256: string;
    let bytes: number;
    try {
      ({ sha256, bytes } = await storeCopy(mediaStoreOf(part, deps.media), file, part, opts.move === true));
      name = uniqueName(folder, contentFileName(sha256, displayName), taken);
      await moveProbedFile(part, path.join(folder, name));
    } catch (e) {
      rmSync(part, { force: true });
      out.push({ fileName: displayName, ...refused(note('corpus.check.notCopied', { name: displayName, detail: e instanceof Error ? e.message : String(e) })) });
      continue;
    }
    taken.add(name.toLowerCase());
    const media = listImportedClip(deps, sessionId, name, sha256, { ...checked, bytes }, () => undefined, (m) => opts.onImported?.(m, displayName));
    out.push({ fileName: displayName, ok: true, media, ...(checked.warningNote ? { warning: checked.warning, warningNotes: [checked.warningNote] } : {}) });
  }
  return out;
}
