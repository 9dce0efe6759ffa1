/**
 * Making an imported clip playable in the session: a clip the app plays is marked so and left alone; another
 * gets a playable copy (playable-copy.ts) listed beside it, and the original is kept or removed as the
 * setting says. The copy's listing records the original's SHA-256 either way, so a researcher can always tell
 * which file it came from. Review plays the copy; analysis reads the original while it is kept (same frame
 * times, full quality), else the copy.
 */
import { apiError } from '../../../src-shared/i18n/errors.js';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { MediaFile, Session } from '../../../src-shared/domain.js';
import type { Note } from '../../../src-shared/i18n/notes.js';
import { sessionFolder } from '../recording/session-folder.js';
import type { Db } from '../store/database.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { probeMedia } from './ffmpeg.js';
import { sha256OfFile } from './import-media.js';
import { makePlayableCopy, playablePlan } from './playable-copy.js';

export interface MakePlayableDeps {
  db: Db;
  dataDir: string;
  sessions: SessionsRepo;
  /** Whether originals that needed a copy are kept beside it (a setting; default yes). */
  keepOriginals(): boolean;
}

export interface MakePlayableOptions {
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Called inside the transaction that lists the copy (the request layer audits it there, by id). */
  onCopied?: (copy: MediaFile, original: MediaFile) => void;
}

export interface MadePlayable {
  /** The file Review plays: the original itself, or its copy. */
  media: MediaFile;
  /** A copy was made now. */
  copied: boolean;
  /** Why the original could not be played as it was (when a copy was made). */
  reason?: string;
  /** The same as a catalogue entry. */
  reasonNote?: Note;
  /** The original was removed after the copy was made (setting). */
  originalRemoved?: boolean;
}

/** The playable copy already made of a media file, if any. */
export function copyOf(session: Session, mediaFileId: number): MediaFile | null {
  return session.media.find((m) => m.derivedFrom === mediaFileId) ?? null;
}

/** `clip-<first 16 hex digits of the original's SHA-256>.playable.webm`. */
export function playableCopyName(original: Pick<MediaFile, 'sha256' | 'fileName'>): string {
  const stem = original.sha256 ? `clip-${original.sha256.slice(0, 16)}` : path.basename(original.fileName, path.extname(original.fileName));
  return `${stem}.playable.webm`;
}

/**
 * Makes one media file of a session playable; idempotent (a file already checked or copied is not touched
 * again), so an interrupted import resumes here.
 */
export async function makePlayable(d: MakePlayableDeps, sessionId: number, mediaFileId: number, opts: MakePlayableOptions = {}): Promise<MadePlayable> {
  const session = d.sessions.get(sessionId);
  const media = session.media.find((m) => m.id === mediaFileId);
  if (!media) throw apiError('not_found', 'errors.media.notInSession', { media: mediaFileId, session: sessionId });
  const existing = copyOf(session, media.id);
  if (existing) return { media: existing, copied: false };
  if (media.playable === true || media.derivedFrom !== null) return { media, copied: false };
  const folder = sessionFolder(d.dataDir, sessionId);
  const file = path.join(folder, media.fileName);
  const probe = await probeMedia(file);
  const plan = playablePlan(probe);
  if (plan.playable) {
    d.sessions.setPlayable(media.id, true);
    opts.onProgress?.(1);
    return { media: { ...media, playable: true }, copied: false };
  }
  const name = playableCopyName(media);
  const dest = path.join(folder, name);
  // A copy left by an interrupted run that never got listed: made again from the start.
  if (!d.sessions.hasMedia(sessionId, name)) rmSync(dest, { force: true });
  const made = await makePlayableCopy(file, dest, plan, { durationMs: media.durationMs ?? probe.durationMs, onProgress: opts.onProgress, signal: opts.signal });
  let sha256: string;
  try {
    sha256 = await sha256OfFile(dest);
  } catch (e) {
    rmSync(dest, { force: true });
    throw e;
  }
  // An original an analysis run was made from stays: the run's results refer to it.
  const keep = d.keepOriginals() || d.sessions.mediaAnalysed(media.id);
  const copy = d.db.transaction(() => {
    d.sessions.setPlayable(media.id, false);
    const c = d.sessions.addMedia({
      sessionId,
      kind: media.kind,
      fileName: name,
      mimeType: made.hasVideo ? 'video/webm' : 'audio/webm',
      bytes: made.bytes,
      // The original's duration (what analysis and the session use); the copy's own may differ by a frame.
      durationMs: media.durationMs ?? made.durationMs,
      hasVideo: made.hasVideo,
      hasAudio: made.hasAudio,
      sha256,
      playable: true,
      derivedFrom: keep ? media.id : null,
      sourceSha256: media.sha256,
    });
    opts.onCopied?.(c, media);
    if (!keep) d.sessions.removeMedia(media.id);
    return c;
  })();
  if (!keep) rmSync(file, { force: true });
  return { media: copy, copied: true, reason: plan.reason, reasonNote: plan.reasonNote, originalRemoved: !keep };
}
