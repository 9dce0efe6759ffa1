import { type ConsentScope, missingScopes } from '../../../src-shared/governance.js';
import { apiError, messageIn } from '../../../src-shared/i18n/errors.js';
import { type ConsentDoing, consentRefusalVars } from '../../../src-shared/i18n/consent-refusal.js';
import type { ParticipantsRepo } from '../store/participants-repo.js';
import type { SessionsRepo } from '../store/sessions-repo.js';

/**
 * Refuses (ApiError 'forbidden', naming every missing scope) unless the participant's current consent covers all
 * of `needed`. `doing` completes "Cannot …", e.g. consent.doing.recordVideo ("record video"), with its values in `vars`.
 */
export function requireConsent(participants: ParticipantsRepo, participantId: number, needed: readonly ConsentScope[], doing: ConsentDoing, vars?: Record<string, string | number>): void {
  const p = participants.get(participantId);
  const missing = missingScopes(p.consent, needed);
  if (missing.length) throw apiError('forbidden', 'consent.refusal', consentRefusalVars(p.code, p.consent, missing, doing, vars));
}

/** The import check: a clip with video needs consent to video recording, one with audio to audio recording. */
export function importConsent(participants: ParticipantsRepo, sessions: SessionsRepo) {
  return (sessionId: number, holds: { video: boolean; audio: boolean }): string | null => {
    const s = sessions.get(sessionId);
    const p = participants.get(s.participantId);
    const needed: ConsentScope[] = [...(holds.video ? (['video'] as const) : []), ...(holds.audio ? (['audio'] as const) : [])];
    const missing = missingScopes(p.consent, needed);
    return missing.length ? messageIn('en', 'consent.refusal', consentRefusalVars(p.code, p.consent, missing, 'consent.doing.importClip')) : null;
  };
}
