import type { ConsentScope } from '../../../src-shared/governance.js';
import { requireConsent } from '../governance/consent-check.js';
import type { Handlers } from '../rpc/dispatch.js';
import type { CoreServices } from '../core-services.js';
import type { RecordingAudit } from '../recording/recording-manager.js';
import { writeAudit } from '../store/audit-log.js';
import type { Db } from '../store/database.js';

export function recordingHandlers(s: CoreServices): Pick<Handlers, 'recording.start' | 'recording.chunk' | 'recording.stop'> {
  return {
    'recording.start': ({ sessionId, mimeType, keep }, ctx) => {
      const op = s.operatorSessions.require(ctx);
      const session = s.sessions.get(sessionId);
      // Each kept medium needs its consent; a session that keeps nothing exists only for its analysis.
      const needed: ConsentScope[] = [...(keep.video ? (['video'] as const) : []), ...(keep.audio ? (['audio'] as const) : [])];
      if (!keep.video && !keep.audio) needed.push('analysis');
      const doing = keep.video || keep.audio ? `record ${[keep.video ? 'video' : '', keep.audio ? 'audio' : ''].filter(Boolean).join(' and ')}` : 'store live analysis results';
      requireConsent(s.participants, session.participantId, needed, doing);
      return s.recordings.start(sessionId, mimeType ?? null, ctx.clientId, keep, op.id);
    },
    'recording.chunk': ({ sessionId, seq, data }) => s.recordings.chunk(sessionId, seq, data),
    'recording.stop': async ({ sessionId, elapsedMs, stats }, ctx) => {
      const session = await s.recordings.stop(sessionId, s.operatorSessions.of(ctx)?.id ?? null, elapsedMs);
      if (!stats) return session;
      s.sessions.setRecordingStats(sessionId, stats);
      const updated = s.sessions.get(sessionId);
      s.events.emit('session.changed', updated);
      return updated;
    },
  };
}

/**
 * The recording sink's audit entries. A recording also ends without a request (its renderer went away, the
 * application stopped), so the sink reports both ends and this layer, like every other audit entry, writes them.
 */
export function recordingAudit(db: Db): RecordingAudit {
  return {
    started: (sessionId, e) =>
      writeAudit(db, e.operatorId, { action: 'recording.start', sessionId, object: 'session', objectId: sessionId, detail: { keepVideo: e.keep.video, keepAudio: e.keep.audio } }),
    ended: (sessionId, e) =>
      writeAudit(db, e.status === 'completed' ? e.operatorId : null, {
        action: e.status === 'completed' ? 'recording.stop' : 'recording.recover',
        sessionId,
        object: 'session',
        objectId: sessionId,
        detail: { bytes: e.bytes, durationMs: e.durationMs },
      }),
  };
}
