import type { Handlers } from '../rpc/dispatch.js';
import type { CoreServices } from '../core-services.js';

export function participantHandlers(s: CoreServices): Pick<Handlers, 'participants.list' | 'participants.create'> {
  return {
    'participants.list': () => s.participants.list(),
    'participants.create': ({ code, consent }, ctx) =>
      s.db.transaction(() => {
        const op = s.operatorSessions.require(ctx);
        const p = s.participants.create(code);
        s.audit.write(ctx, { action: 'participant.create', participantId: p.id, object: 'participant', objectId: p.id });
        if (consent) {
          const rec = s.consent.add({ participantId: p.id, kind: 'given', ...consent, takenBy: op.id, recordedBy: op.id });
          s.audit.write(ctx, { action: 'consent.record', participantId: p.id, object: 'consent_record', objectId: rec.id, detail: { version: rec.version, ...rec.scopes, retention: rec.retainUntil !== null } });
        }
        return s.participants.get(p.id);
      })(),
  };
}
