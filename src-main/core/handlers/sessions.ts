import { writeAudit } from '../store/audit-log.js';
import { actorOf, type Handlers } from '../rpc/dispatch.js';
import type { CoreServices } from '../core-services.js';

export function sessionHandlers(s: CoreServices): Pick<Handlers, 'sessions.list' | 'sessions.get' | 'sessions.create' | 'sessions.updateNote'> {
  return {
    'sessions.list': ({ participantId }) => s.sessions.list({ participantId }),
    'sessions.get': ({ id }) => s.sessions.get(id),
    'sessions.create': (input) => {
      const session = s.db.transaction(() => {
        const created = s.sessions.create(input);
        writeAudit(s.db, { actor: input.operator, action: 'session.create', entity: 'session', entityId: created.id, detail: { protocol: input.protocol } });
        return created;
      })();
      s.events.emit('session.changed', session);
      return session;
    },
    'sessions.updateNote': ({ id, note }, ctx) => {
      const session = s.db.transaction(() => {
        const updated = s.sessions.updateNote(id, note);
        writeAudit(s.db, { actor: actorOf(ctx), action: 'session.note', entity: 'session', entityId: id });
        return updated;
      })();
      s.events.emit('session.changed', session);
      return session;
    },
  };
}
