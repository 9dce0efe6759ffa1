import path from 'node:path';
import { ApiError } from '../../../src-shared/errors.js';
import { apiError } from '../../../src-shared/i18n/errors.js';
import { noteEnglish } from '../../../src-shared/i18n/notes.js';
import type { CoreServices } from '../core-services.js';
import { analysisRefusal } from '../queue/analysis-consent.js';
import { type CollectHooks, DEFAULT_QUEUE } from '../queue/lab-queue.js';
import { RedisConfigError } from '../queue/redis-connection.js';
import { parseShares, ShareError } from '../queue/shares.js';
import type { CallContext, Handlers } from '../rpc/dispatch.js';

type QueueMethods = 'queue.connect' | 'queue.disconnect' | 'queue.settings' | 'queue.submit' | 'queue.status' | 'queue.collect' | 'queue.retry';

export function queueHandlers(s: CoreServices): Pick<Handlers, QueueMethods> {
  const q = s.queue;
  /** The consent refusal for analysing this session, or null. */
  const refusal = analysisRefusal(s.participants, s.sessions);
  /** What settling a job does here: consent checked, stored results and failures audited. */
  const collectHooks = (ctx: CallContext): CollectHooks => ({
    refusal,
    stored: (row, run) => s.audit.write(ctx, { action: 'analysis.import', sessionId: row.sessionId, object: 'analysis_run', objectId: run.id, detail: { job: row.id } }),
    failed: (row) => s.audit.write(ctx, { action: 'queue.failed', sessionId: row.sessionId, object: 'queue_job', objectId: row.id }),
  });
  return {
    'queue.connect': async (input) => {
      let shares;
      try {
        shares = parseShares(input.shares.map((x) => `${x.name}=${x.folder}`));
      } catch (e) {
        if (e instanceof ShareError) throw new ApiError('invalid_input', e.message, undefined, e.note);
        throw e;
      }
      if (input.caFile !== undefined && !path.isAbsolute(input.caFile)) throw apiError('invalid_input', 'errors.queue.caAbsolute');
      try {
        await q.connect({
          target: { url: input.url, password: input.password, caFile: input.caFile },
          queue: input.queue ?? DEFAULT_QUEUE.queue,
          shares,
          inlineMaxBytes: input.inlineMaxBytes ?? DEFAULT_QUEUE.inlineMaxBytes,
          retry: { attempts: input.attempts ?? DEFAULT_QUEUE.retry.attempts, backoffMs: input.backoffMs ?? DEFAULT_QUEUE.retry.backoffMs },
        });
      } catch (e) {
        if (e instanceof RedisConfigError) throw new ApiError('invalid_input', e.message, undefined, e.note);
        throw e;
      }
      s.events.emit('batch.executors', {}); // "Lab workers" can now take batch work
      return q.status();
    },
    'queue.disconnect': async () => {
      const disconnected = await q.disconnect();
      s.events.emit('batch.executors', {});
      return { disconnected };
    },
    'queue.settings': () => ({ ...q.remembered(), connected: q.connected }),
    'queue.submit': async ({ items }, ctx) => {
      const op = s.operatorSessions.require(ctx);
      if (!q.connected) throw apiError('conflict', 'errors.queue.notConnected');
      const jobs = [];
      const refused = [];
      for (const item of items) {
        const no = refusal(item.sessionId);
        if (no) {
          refused.push({ sessionId: item.sessionId, message: noteEnglish(no), i18n: no });
          continue;
        }
        try {
          const { row, jobId } = await q.submit(item.sessionId, item.mediaFileId, item.sourcePath, op.id);
          s.audit.write(ctx, { action: 'queue.submit', sessionId: row.sessionId, object: 'queue_job', objectId: row.id, detail: { inline: row.via === 'inline' } });
          jobs.push({ id: row.id, jobId, sessionId: row.sessionId, via: row.via });
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          refused.push({ sessionId: item.sessionId, message: e.message, ...(e.i18n ? { i18n: e.i18n } : {}) });
        }
      }
      return { jobs, refused };
    },
    'queue.status': () => q.status(),
    'queue.collect': async (_input, ctx) => {
      s.operatorSessions.require(ctx);
      const r = await q.collect(collectHooks(ctx));
      for (const x of r.stored) s.events.emit('session.changed', s.sessions.get(x.row.sessionId));
      return {
        stored: r.stored.map((x) => ({ id: x.row.id, sessionId: x.row.sessionId, runId: x.run.id, worker: x.worker })),
        failed: r.failed.map((x) => ({ id: x.row.id, sessionId: x.row.sessionId, error: noteEnglish(x.error), errorNote: x.error })),
      };
    },
    'queue.retry': async ({ ids }, ctx) => {
      s.operatorSessions.require(ctx);
      const r = await q.retry(ids, collectHooks(ctx));
      for (const j of r.jobs) s.audit.write(ctx, { action: 'queue.retry', sessionId: j.sessionId, object: 'queue_job', objectId: j.id });
      return r;
    },
  };
}
