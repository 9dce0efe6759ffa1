import { ApiError } from '../../../src-shared/errors.js';
import { type ConsentScope, consentRefusal, missingScopes } from '../../../src-shared/governance.js';
import type { ParticipantsRepo } from '../store/participants-repo.js';
import type { SessionsRepo } from '../store/sessions-repo.js';

/**
 * Refuses (ApiError 'forbidden', naming every missing scope) unless the participant's current consent covers all
 * of `needed`. `doing` completes "Cannot …", e.g. "record video".
 */
export function requireConsent(participants: ParticipantsRepo, participantId: number, needed: readonly ConsentScope[], doing: string): void {
  const p = participants.get(participantId);
  const missing = missingScopes(p.consent, needed);
  if (missing.length) throw new ApiError('forbidden', consentRefusal(p.code, p.consent, missing, doing));
}

/** The import check: a clip with video needs consent to video recording, one with audio to audio recording. */
export function importConsent(participants: ParticipantsRepo, sessions: SessionsRepo) {
  return (sessionId: number, holds: { video: boolean; audio: boolean }): string | null => {
    const s = sessions.get(sessionId);
    const p = participants.get(s.participantId);
    const needed: ConsentScope[] = [...(holds.video ? (['video'] as const) : []), ...(holds.audio ? (['audio'] as const) : [])];
    const missing = missingScopes(p.consent, needed);
    return missing.length ? consentRefusal(p.code, p.consent, missing, 'import this clip') : null;
  };
}
