/**
 * Who analyses the sessions of a batch. "This computer" runs the offline analysis here (the analysis runner,
 * one run at a time). Another executor (lab workers taking jobs from a shared queue) registers beside it with
 * one line in `registerExecutors`: it gets the same job and context, stores its run in this data folder, and
 * reports progress the same way, so the queue and its display do not change.
 */
import type { AnalysisRun } from '../../../src-shared/analysis.js';
import type { MessageKey } from '../../../src-shared/i18n/i18n.js';
import { type Note, note, NotedError } from '../../../src-shared/i18n/notes.js';
import type { CoreServices } from '../core-services.js';
import { labExecutor } from './lab-executor.js';

export interface AnalysisJob {
  sessionId: number;
  /** The media file to analyse (default: the session's analysis media). */
  mediaFileId: number | null;
  /** A run this item started before (a resumed item): continued, not started again. */
  runId: number | null;
  /** The operator who queued the batch (audit entries of work done on their behalf). */
  operatorId: number | null;
}

export interface ExecutorContext {
  signal: AbortSignal;
  /** The run that holds the results, as soon as it exists (kept with the item for resuming). */
  onRun(runId: number): void;
  /** Fraction 0..1 of this analysis done. */
  onProgress(fraction: number): void;
}

export interface BatchExecutor {
  readonly id: string;
  /** In words for the user (English). */
  readonly label: string;
  /** The same as a catalogue entry, so notes about it are worded in the reader's language. */
  readonly labelKey?: MessageKey;
  /** How many items it analyses at once (default 1: one after the other, in the queue's loop). */
  readonly parallel?: number;
  /** Why it cannot take work now (a catalogue entry the user can act on), or null. */
  unavailable(): Note | null;
  /** Analyses the session; resolves with the complete run, throws with the reason otherwise. */
  analyse(job: AnalysisJob, ctx: ExecutorContext): Promise<AnalysisRun>;
}

export class ExecutorCancelled extends NotedError {}

/**
 * The reason a job's signal aborts when the app is closing: the executor returns at once and leaves the work
 * resumable (the local runner marks its run interrupted as it closes); the item continues at the next start.
 */
export class StopForNow extends Error {}

/** Offline analysis on this computer through the app's analysis runner (the same as "Analyse" in Review). */
export function localExecutor(s: Pick<CoreServices, 'analysis' | 'events'>): BatchExecutor {
  return {
    id: 'local',
    label: 'This computer',
    labelKey: 'corpus.localExecutor',
    unavailable: () => null,
    async analyse(job, ctx) {
      const { runner, runs } = s.analysis;
      let run: AnalysisRun | null = job.runId !== null ? safeGet(() => runs.get(job.runId!)) : null;
      if (run?.status === 'complete') return run;
      if (run && !runner.isBusy(run.id)) run = runner.resume(run.id);
      if (!run) run = runner.start({ sessionId: job.sessionId, ...(job.mediaFileId !== null ? { mediaFileId: job.mediaFileId } : {}) });
      const runId = run.id;
      ctx.onRun(runId);
      const off = s.events.subscribe((name, p) => {
        if (name === 'analysis.progress' && (p as { runId: number }).runId === runId) ctx.onProgress(Math.min(1, (p as { percent: number }).percent / 100));
      });
      let stopNow: (e: unknown) => void = () => undefined;
      const stopped = new Promise<never>((_, reject) => (stopNow = reject));
      stopped.catch(() => undefined);
      const onAbort = () => {
        if (ctx.signal.reason instanceof StopForNow) return stopNow(ctx.signal.reason);
        try {
          runner.cancel(runId);
        } catch {
          // already finished
        }
      };
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const done = await Promise.race([runner.whenDone(runId), stopped]);
        if (ctx.signal.aborted) throw new ExecutorCancelled(note('corpus.note.runCancelled', { run: runId }));
        if (done.status !== 'complete') throw new NotedError(note('corpus.note.runFailed', { run: runId, status: done.status, detail: done.error ?? '—' }));
        return done;
      } finally {
        off();
        ctx.signal.removeEventListener('abort', onAbort);
      }
    },
  };
}

function safeGet<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

/** Every executor of this app, by id. A new one is one line here. */
export function registerExecutors(s: CoreServices): Map<string, BatchExecutor> {
  const all = [localExecutor(s), labExecutor(s)];
  return new Map(all.map((e) => [e.id, e]));
}
