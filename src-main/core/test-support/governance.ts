/** Test helpers for operator profiles and consent, through the core's own repositories. */
import type { ConsentScopes } from '../../../src-shared/governance.js';
import type { AppCore } from '../app-core.js';
import { Auditor } from '../handlers/audit-writer.js';
import { OperatorSessions } from '../governance/operator-sessions.js';
import type { CallContext } from '../rpc/dispatch.js';
import { ConsentRepo } from '../store/consent-repo.js';
import type { Db } from '../store/database.js';
import { OperatorsRepo } from '../store/operators-repo.js';
import { ParticipantsRepo } from '../store/participants-repo.js';

export const ALL_SCOPES: ConsentScopes = { video: true, audio: true, analysis: true, research: true };

/** A call context acting as a (new or existing) operator profile of that name. */
export function operatorCtx(core: AppCore, name = 'Test Operator', role: 'clinician' | 'researcher' | 'admin' = 'clinician'): CallContext & { operatorId: number } {
  const ops = core.services.operators;
  const op = ops.lookup(name) ?? ops.create(name, role);
  return { clientId: `test-${op.id}`, operatorId: op.id };
}

/** Records consent for a participant as if taken today by the operator in `ctx`. */
export function giveConsent(core: AppCore, participantId: number, scopes: Partial<ConsentScopes> = ALL_SCOPES, retainUntil: string | null = null): void {
  core.services.consent.add({
    participantId,
    kind: 'given',
    scopes: { video: false, audio: false, analysis: false, research: false, ...scopes },
    takenBy: null,
    takenOn: new Date().toISOString().slice(0, 10),
    formRef: 'test form v1',
    retainUntil,
    recordedBy: null,
  });
}

/** A participant with full consent (for tests about something else). */
export function consentedParticipant(core: AppCore, code: string): number {
  const p = core.services.participants.findByCode(code) ?? core.services.participants.create(code);
  if (p.consent.status !== 'given') giveConsent(core, p.id);
  return p.id;
}

/**
 * The governance services a hand-built CoreServices needs (tests that assemble handlers without createCore), with
 * an operator profile to act as and full consent for the given participants.
 */
export function governanceServices(db: Db, dataDir: string, consentFor: readonly number[] = []) {
  const operators = new OperatorsRepo(db);
  const operatorSessions = new OperatorSessions(operators, dataDir);
  const consent = new ConsentRepo(db);
  const op = operators.create('Test Operator', 'researcher');
  for (const participantId of consentFor) {
    consent.add({ participantId, kind: 'given', scopes: ALL_SCOPES, takenBy: op.id, takenOn: '2026-01-01', formRef: '', retainUntil: null, recordedBy: op.id });
  }
  return {
    services: { participants: new ParticipantsRepo(db), operators, operatorSessions, consent, audit: new Auditor(db, operatorSessions) },
    ctx: { clientId: 'test', operatorId: op.id } satisfies CallContext,
  };
}
