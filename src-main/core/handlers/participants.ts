import { writeAudit } from '../store/audit-log.js';
import { actorOf, type Handlers } from '../rpc/dispatch.js';
import type { CoreServices } from '../core-services.js';

export function participantHandlers(s: CoreServices): Pick<Handlers, 'participants.list' | 'participants.create'> {
  return {
    'participants.list': () => s.participants.list(),
    'participants.create': ({ code }, ctx) =>
      s.db.transaction(() => {
        const p = s.participants.create(code);
        writeAudit(s.db, { actor: actorOf(ctx), action: 'participant.create', entity: 'participant', entityId: p.id });
        return p;
      })(),
  };
}
