import type { Handlers } from '../rpc/dispatch.js';
import type { CoreServices } from '../core-services.js';
import type { RecordingAudit } from '../recording/recording-manager.js';
import { writeAudit } from '../store/audit-log.js';
import type { Db } from '../store/database.js';

export function recordingHandlers(s: CoreServices): Pick<Handlers, 'recording.start' | 'recording.chunk' | 'recording.stop'> {
  return {
    'recording.start': ({ sessionId, mimeType }, ctx) => s.recordings.start(sessionId, mimeType, ctx.clientId),
    'recording.chunk': ({ sessionId, seq, data }) => s.recordings.chunk(sessionId, seq, data),
    'recording.stop': ({ sessionId }) => s.recordings.stop(sessionId),
  };
}

/**
 * The recording sink's audit entries. A recording also ends without a request (its renderer went away, the
 * application stopped), so the sink reports both ends and this layer, like every other audit entry, writes them.
 */
export function recordingAudit(db: Db): RecordingAudit {
  return {
    started: (sessionId, mimeType) => writeAudit(db, { actor: 'operator', action: 'recording.start', entity: 'session', entityId: sessionId, detail: { mimeType } }),
    ended: (sessionId, e) =>
      writeAudit(db, {
        actor: e.status === 'completed' ? 'operator' : 'system',
        action: e.status === 'completed' ? 'recording.stop' : 'recording.recover',
        entity: 'session',
        entityId: sessionId,
        detail: { bytes: e.bytes, durationMs: e.durationMs, reason: e.reason },
      }),
  };
}
