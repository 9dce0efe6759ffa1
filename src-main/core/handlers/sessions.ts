import type { Handlers } from '../rpc/dispatch.js';
import type { CoreServices } from '../core-services.js';

export function sessionHandlers(s: CoreServices): Pick<Handlers, 'sessions.list' | 'sessions.get' | 'sessions.open' | 'sessions.create' | 'sessions.updateNote'> {
  return {
    'sessions.list': ({ participantId }) => s.sessions.list({ participantId }),
    'sessions.get': ({ id }) => s.sessions.get(id),
    'sessions.open': ({ id }, ctx) => {
      const session = s.sessions.get(id);
      s.audit.write(ctx, { action: 'session.view', sessionId: id, object: 'session', objectId: id });
      return session;
    },
    'sessions.create': (input, ctx) => {
      const session = s.db.transaction(() => {
        const op = s.operatorSessions.require(ctx);
        const created = s.sessions.create({ participantId: input.participantId, protocol: input.protocol, note: input.note, operatorId: op.id });
        s.audit.write(ctx, { action: 'session.create', sessionId: created.id, object: 'session', objectId: created.id });
        return created;
      })();
      s.events.emit('session.changed', session);
      return session;
    },
    'sessions.updateNote': ({ id, note }, ctx) => {
      const session = s.db.transaction(() => {
        const updated = s.sessions.updateNote(id, note);
        s.audit.write(ctx, { action: 'session.note', sessionId: id, object: 'session', objectId: id });
        return updated;
      })();
      s.events.emit('session.changed', session);
      return session;
    },
  };
}
