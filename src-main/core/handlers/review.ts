import type { CoreServices } from '../core-services.js';
import { reviewMedia } from '../review/media-info.js';
import { pickRun } from '../review/timeline-query.js';
import type { Handlers } from '../rpc/dispatch.js';
import { ApiError } from '../../../src-shared/errors.js';

export function reviewHandlers(s: CoreServices): Pick<Handlers, 'review.media' | 'review.timeline' | 'review.overlay'> {
  return {
    'review.media': async ({ sessionId }, ctx) => {
      const session = s.sessions.get(sessionId);
      const media = await reviewMedia(s.dataDir, sessionId, session.media, () => {
        const run = pickRun(s.timeline.runs(sessionId).filter((r) => r.mode === 'offline'));
        return run ? s.timeline.frameTimes(run.id, 300) : [];
      });
      // Handing the player its recording is opening the media: audited.
      const file = media ? session.media.find((m) => m.fileName === media.fileName) : undefined;
      if (media) s.audit.write(ctx, { action: 'media.view', sessionId, object: 'media_file', objectId: file?.id ?? null });
      return media;
    },
    'review.timeline': ({ sessionId, ...req }) => {
      s.sessions.get(sessionId);
      return s.timelineQuery.timeline(sessionId, req);
    },
    'review.overlay': ({ sessionId, runId, fromMs, toMs }) => {
      if (!s.timeline.runs(sessionId).some((r) => r.id === runId)) throw new ApiError('not_found', `Analysis run ${runId} does not belong to session ${sessionId}`);
      return { frames: s.timeline.overlay(runId, fromMs, toMs) };
    },
  };
}
