import { apiError } from '../../../src-shared/i18n/errors.js';
import type { Handlers } from '../rpc/dispatch.js';
import type { CoreServices } from '../core-services.js';
import { FramingRepo } from '../store/framing-repo.js';
import { nowIso } from '../store/time.js';

export function framingHandlers(s: CoreServices): Pick<Handlers, 'framing.report' | 'framing.get'> {
  const repo = new FramingRepo(s.db);
  return {
    'framing.report': ({ sessionId, totals }) => {
      const session = s.sessions.get(sessionId);
      // Framing is reported for the recording only: a session that never started recording has none.
      if (!session.startedAt) throw apiError('invalid_input', 'errors.framingNotRecorded', { id: sessionId });
      repo.put(sessionId, totals, nowIso());
      return repo.get(sessionId)!;
    },
    'framing.get': ({ sessionId }) => {
      s.sessions.get(sessionId);
      return repo.get(sessionId);
    },
  };
}
