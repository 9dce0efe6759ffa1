import type { Handlers } from '../rpc/dispatch.js';
import type { CoreServices } from '../core-services.js';

export function recordingHandlers(s: CoreServices): Pick<Handlers, 'recording.start' | 'recording.chunk' | 'recording.stop'> {
  return {
    'recording.start': ({ sessionId, mimeType }, ctx) => s.recordings.start(sessionId, mimeType, ctx.clientId),
    'recording.chunk': ({ sessionId, seq, data }) => s.recordings.chunk(sessionId, seq, data),
    'recording.stop': ({ sessionId }) => s.recordings.stop(sessionId),
  };
}
