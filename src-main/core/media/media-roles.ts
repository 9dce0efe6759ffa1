/**
 * Which of a session's media files does what. A session holds its recording, or imported clips, and for a clip
 * the app cannot play, a playable copy beside it (make-playable.ts). Review plays a file the app can play; an
 * offline analysis reads the original while it is kept (full quality; the copy has the same frame times).
 */
import type { MediaFile } from '../../../src-shared/domain.js';

const playableOrUnknown = (m: MediaFile) => m.playable !== false;

/** The file Review plays: a recording with video, else a playable file with video, else one with audio. */
export function playbackMedia(media: readonly MediaFile[]): MediaFile | null {
  const ok = media.filter(playableOrUnknown);
  return (
    ok.find((m) => m.kind === 'recording' && m.hasVideo) ??
    ok.find((m) => m.hasVideo) ??
    ok.find((m) => m.hasAudio) ??
    // Nothing known to play (a clip imported before playable copies existed): the browser says why not.
    media.find((m) => m.hasVideo) ??
    media[0] ??
    null
  );
}

/** A playable copy (its original may or may not be kept). */
export const isCopy = (m: MediaFile): boolean => m.derivedFrom !== null || m.sourceSha256 !== null;

/** The file an analysis reads when none is named: the newest original, else the newest copy. */
export function analysisMedia(media: readonly MediaFile[]): MediaFile | null {
  const originals = media.filter((m) => !isCopy(m));
  return originals[originals.length - 1] ?? media[media.length - 1] ?? null;
}
