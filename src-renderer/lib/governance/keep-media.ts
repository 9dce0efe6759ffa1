import { type ConsentScope, type ConsentState, type KeepMedia, missingScopes } from '../../../src-shared/governance.js';

export type KeepChoice = 'all' | 'audio' | 'none';

export const KEEP_CHOICES: ReadonlyArray<{ choice: KeepChoice; label: string; keep: KeepMedia }> = [
  { choice: 'all', label: 'Video and audio', keep: { video: true, audio: true } },
  { choice: 'audio', label: 'Audio only (no video)', keep: { video: false, audio: true } },
  { choice: 'none', label: 'Results only (no video, no audio)', keep: { video: false, audio: false } },
];

/** The consents a capture that keeps these media needs: each kept medium, and analysis when nothing is kept. */
export function neededFor(keep: KeepMedia): ConsentScope[] {
  const needed: ConsentScope[] = [];
  if (keep.video) needed.push('video');
  if (keep.audio) needed.push('audio');
  if (!keep.video && !keep.audio) needed.push('analysis');
  return needed;
}

/** The most the participant's consent allows, in order of preference; null when it allows no capture at all. */
export function bestAllowed(consent: ConsentState): KeepChoice | null {
  return KEEP_CHOICES.find((c) => missingScopes(consent, neededFor(c.keep)).length === 0)?.choice ?? null;
}

/** Container for what is kept: WebM video+audio as before, Opus-only WebM for audio only, nothing for none. */
export function mimeTypeFor(keep: KeepMedia, videoMime: string | null, isSupported: (t: string) => boolean): string | null {
  if (keep.video) return videoMime;
  if (keep.audio) return ['audio/webm;codecs=opus', 'audio/webm'].find(isSupported) ?? null;
  return null;
}
