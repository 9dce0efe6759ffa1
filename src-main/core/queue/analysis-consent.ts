import { missingScopes } from '../../../src-shared/governance.js';
import { consentRefusalVars } from '../../../src-shared/i18n/consent-refusal.js';
import { note, type Note } from '../../../src-shared/i18n/notes.js';
import type { ParticipantsRepo } from '../store/participants-repo.js';
import type { SessionsRepo } from '../store/sessions-repo.js';

/**
 * The consent check of the lab queue (sending, retrying, storing a result): the refusal to analyse a session whose
 * participant's consent does not cover automated analysis, as a note (consent.refusal) so a job's reason words it
 * in the reader's language; null when consent covers it.
 */
export function analysisRefusal(participants: ParticipantsRepo, sessions: SessionsRepo): (sessionId: number) => Note | null {
  return (sessionId) => {
    const p = participants.get(sessions.get(sessionId).participantId);
    const missing = missingScopes(p.consent, ['analysis']);
    return missing.length ? note('consent.refusal', consentRefusalVars(p.code, p.consent, missing, 'consent.doing.analyseSessionId', { sessionId })) : null;
  };
}
