/**
 * "Lab workers": a batch item's session analysed by `affect worker` processes on the lab's machines, through the
 * lab queue this app is connected to (the Lab workers panel). The job is sent as the panel sends it (ids and the
 * clip, never a participant's code), followed until its result is stored here once, with the same consent checks
 * as the panel's collect. A job already in the queue for the session is followed, not sent again: after the app
 * was closed (StopForNow leaves the job in the queue), or one sent from the panel.
 */
import type { AnalysisRun } from '../../../src-shared/analysis.js';
import { ApiError } from '../../../src-shared/errors.js';
import { nestNote, note, type Note, NotedError } from '../../../src-shared/i18n/notes.js';
import type { CoreServices } from '../core-services.js';
import { analysisMedia } from '../media/media-roles.js';
import { analysisRefusal } from '../queue/analysis-consent.js';
import { failureOf } from '../queue/job-failure.js';
import type { CollectHooks } from '../queue/lab-queue.js';
import type { BatchExecutor } from './executors.js';
import { StopForNow } from './executors.js';

export interface LabExecutorOptions {
  /** How often the job's state is read from the queue. */
  pollMs: number;
  /** How long the queue may stay unreadable before the item fails (the job stays in the queue). */
  unreachableMs: number;
}

type Deps = Pick<CoreServices, 'queue' | 'sessions' | 'participants' | 'analysis' | 'audit' | 'events'>;

/**
 * Items of a batch analysed at once on the lab workers: jobs wait in the queue for as many workers as the lab
 * has, up to this many (each waiting job of a clip on no share holds the clip in Redis).
 */
export const LAB_PARALLEL = 8;

export function labExecutor(s: Deps, opts: LabExecutorOptions = { pollMs: 1000, unreachableMs: 60_000 }): BatchExecutor {
  const q = s.queue;
  /** The consent refusal for analysing this session, or null (as the panel's collect checks it). */
  const refusal = analysisRefusal(s.participants, s.sessions);
  return {
    id: 'lab',
    label: 'Lab workers',
    labelKey: 'corpus.labExecutor',
    parallel: LAB_PARALLEL,
    unavailable: () => (q.connected ? null : note('corpus.note.labNotConnected')),
    async analyse(job, ctx) {
      if (job.runId !== null) {
        const run = s.analysis.runs.get(job.runId);
        if (run.status === 'complete') return run;
      }
      const mediaFileId = job.mediaFileId ?? analysisMedia(s.sessions.get(job.sessionId).media)?.id ?? null;
      let row = q.pendingJob(job.sessionId, mediaFileId);
      if (!row) {
        const sent = await q.submit(job.sessionId, mediaFileId ?? undefined, undefined, job.operatorId);
        row = sent.row;
        s.audit.onBehalfOf(job.operatorId, { action: 'queue.submit', sessionId: row.sessionId, object: 'queue_job', objectId: row.id, detail: { inline: row.via === 'inline' } });
      }
      const localId = row.id;
      const hooks: CollectHooks = {
        refusal,
        stored: (r, run) => s.audit.onBehalfOf(job.operatorId, { action: 'analysis.import', sessionId: r.sessionId, object: 'analysis_run', objectId: run.id, detail: { job: r.id } }),
        failed: (r) => s.audit.onBehalfOf(job.operatorId, { action: 'queue.failed', sessionId: r.sessionId, object: 'queue_job', objectId: r.id }),
      };
      let unreadableSince: number | null = null;
      for (;;) {
        if (ctx.signal.aborted) {
          // Closing: the job stays in the queue and is followed again at the next start. Cancelled: taken back
          // if no worker has it yet (one that has it finishes, and its result is stored as any other).
          if (!(ctx.signal.reason instanceof StopForNow) && q.connected) await q.withdraw(localId, note('labJob.cancelled')).catch(() => false);
          throw ctx.signal.reason;
        }
        // Stored meanwhile by the panel's collect, or settled there.
        const now = q.row(localId);
        if (now?.state === 'done' && now.runId !== null) return settled(s, s.analysis.runs.get(now.runId));
        if (now?.state === 'failed') throw jobFailed(localId, failureOf(now.error));
        if (!q.connected) throw new NotedError(note('corpus.note.labDisconnected', { job: localId }));
        try {
          const r = await q.collectJob(localId, hooks);
          unreadableSince = null;
          if ('stored' in r) return settled(s, r.stored);
          if ('failed' in r) throw jobFailed(localId, r.failed);
          ctx.onProgress(r.pending === null ? 0 : r.pending / 100);
        } catch (e) {
          if (e instanceof NotedError || e instanceof ApiError || !q.connected) throw e;
          // Redis did not answer: tried again, for a while.
          unreadableSince ??= Date.now();
          if (Date.now() - unreadableSince > opts.unreachableMs) throw new NotedError(note('corpus.note.labUnreachable', { job: localId, detail: e instanceof Error ? e.message : String(e) }));
        }
        await pause(opts.pollMs, ctx.signal);
      }
    },
  };
}

/** The item's reason: the lab workers could not analyse the clip, and the job's own reason, both in the reader's language. */
function jobFailed(job: number, why: Note): NotedError {
  return new NotedError(nestNote('corpus.note.labJobFailed', { job }, 'detail', why));
}

/** A run stored from the queue: the Review of its session shows it without reloading. */
function settled(s: Deps, run: AnalysisRun): AnalysisRun {
  s.events.emit('session.changed', s.sessions.get(run.sessionId));
  return run;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
