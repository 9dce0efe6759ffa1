import type { CoreServices } from '../core-services.js';
import { listProtocols, searchSessions } from '../store/session-search.js';
import type { Handlers } from '../rpc/dispatch.js';

export function sessionSearchHandlers(s: CoreServices): Pick<Handlers, 'sessions.search' | 'sessions.protocols'> {
  return {
    'sessions.search': (filter) => searchSessions(s.db, s.sessions, filter),
    'sessions.protocols': () => listProtocols(s.db),
  };
}
