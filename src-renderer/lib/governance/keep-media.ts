import { type ConsentScope, type ConsentState, type KeepMedia, missingScopes } from '../../../src-shared/governance.js';

export type KeepChoice = 'all' | 'audio' | 'none';

/** The choices in order of preference; each is worded by the catalogue (keep.<choice>). */
export const KEEP_CHOICES: ReadonlyArray<{ choice: KeepChoice; keep: KeepMedia }> = [
  { choice: 'all', keep: { video: true, audio: true } },
  { choice: 'audio', keep: { video: false, audio: true } },
  { choice: 'none', keep: { video: false, audio: false } },
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
