/**
 * Offline analysis of a session's media file as an analysis run: every registered stage whose stream the
 * file has (video: face; audio: voice), then fusion, episodes and storage. One run executes at a time (two
 * cores: parallel runs would only slow each other); others wait in a queue. Progress is pushed as events. A
 * cancelled, failed or interrupted run is marked incomplete with its per-modality progress kept, and
 * resume() continues it from there.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { type AnalysisParams, analysisParamsSchema, type AnalysisProgress, type AnalysisRun } from '../../../src-shared/analysis.js';
import { ApiError } from '../../../src-shared/errors.js';
import type { EventBus } from '../event-bus.js';
import { probeMedia } from '../media/ffmpeg.js';
import { analysisMedia } from '../media/media-roles.js';
import { modelChoiceProblem } from './model-choice.js';
import { sessionFolder } from '../recording/session-folder.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { RunProgressTracker } from './run-progress.js';
import type { ModelUse, RunRecorder } from './run-recorder.js';
import { StageCommitter } from './stage-committer.js';
import type { MediaSource, Stage, Timed } from './stage.js';

/** A stage ready for an offline run: the analysis, and how its results are stored. */
export interface RunnableStage {
  stage: Stage;
  /** Stores a batch of the stage's results (inside the runner's transaction). */
  store(runId: number, batch: readonly Timed[]): void;
  /** Results per commit (see ModalityDefinition.storeEvery). */
  storeEvery: number;
}

/**
 * The stages a file needs (by the streams it has), as the run's settings ask for them, with what the run records
 * of their models.
 */
export type StageFactory = (sources: ReadonlySet<MediaSource>, params: AnalysisParams) => Promise<{ stages: RunnableStage[]; use: ModelUse }>;

export interface RunnerDeps {
  dataDir: string;
  sessions: SessionsRepo;
  recorder: RunRecorder;
  events: EventBus;
  stages: StageFactory;
  /** Minimum ms between progress events (default 250). */
  progressEveryMs?: number;
}

/** What an execution of a run works on, once its media file has been found and probed. */
interface Job {
  file: string;
  durationMs: number | null;
  /** In the order they run. */
  stages: RunnableStage[];
}

export class CancelledError extends Error {}

const INTERRUPTED = 'The application stopped while this analysis was running; resume it to continue';

export class AnalysisRunner {
  private chain: Promise<void> = Promise.resolve();
  private readonly active = new Map<number, AbortController>();
  private readonly queued = new Set<number>();
  private readonly waiters = new Map<number, Array<(r: AnalysisRun) => void>>();
  private closed = false;

  constructor(private readonly d: RunnerDeps) {
    // One process per data folder: a run still "running" now was left by a process that ended.
    d.recorder.runs.markInterrupted(INTERRUPTED);
  }

  /** Creates an offline run for a media file of a session (default: its newest file) and queues it. */
  start(input: { sessionId: number; mediaFileId?: number; params?: unknown }): AnalysisRun {
    if (this.closed) throw new ApiError('unavailable', 'The application is closing');
    const session = this.d.sessions.get(input.sessionId);
    const media = input.mediaFileId === undefined ? analysisMedia(session.media) : session.media.find((m) => m.id === input.mediaFileId);
    if (!media) {
      throw new ApiError(
        input.mediaFileId === undefined ? 'conflict' : 'not_found',
        input.mediaFileId === undefined ? `Session ${session.id} has no recording or imported clip to analyse` : `Media file ${input.mediaFileId} is not part of session ${session.id}`,
      );
    }
    if (media.kind === 'recording' && session.status === 'recording') {
      throw new ApiError('conflict', `Session ${session.id} is still recording; analyse it after the recording has stopped`);
    }
    const parsed = analysisParamsSchema.safeParse(input.params ?? {});
    if (!parsed.success) throw new ApiError('invalid_input', `Analysis settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const models = parsed.data.models.length ? modelChoiceProblem(parsed.data.models) : null;
    if (models) throw new ApiError('invalid_input', models);
    const run = this.d.recorder.open({ sessionId: session.id, mediaFileId: media.id, mode: 'offline', params: parsed.data, mediaDurationMs: media.durationMs });
    this.schedule(run.id);
    return run;
  }

  /** Continues an incomplete (or failed) offline run from its stored progress. */
  resume(runId: number): AnalysisRun {
    if (this.closed) throw new ApiError('unavailable', 'The application is closing');
    const run = this.d.recorder.runs.get(runId);
    if (run.mode !== 'offline') throw new ApiError('conflict', `Run ${runId} is a live run; only offline runs can be resumed`);
    if (run.status === 'complete') throw new ApiError('conflict', `Run ${runId} is already complete`);
    if (this.active.has(runId) || this.queued.has(runId)) throw new ApiError('conflict', `Run ${runId} is already running`);
    this.d.recorder.runs.reopen(runId);
    this.schedule(runId);
    return this.d.recorder.runs.get(runId);
  }

  /** Stops a running or queued run; it is marked incomplete and can be resumed. */
  cancel(runId: number): AnalysisRun {
    const ctl = this.active.get(runId);
    if (ctl) {
      ctl.abort(new CancelledError('Cancelled by the user'));
      return this.d.recorder.runs.get(runId);
    }
    if (this.queued.delete(runId)) return this.settle(runId, 'incomplete', 'Cancelled by the user before it started');
    const run = this.d.recorder.runs.get(runId);
    if (run.status !== 'running') throw new ApiError('conflict', `Run ${runId} is not running`);
    return run;
  }

  /** Resolves when the run has finished (complete, incomplete or failed). */
  whenDone(runId: number): Promise<AnalysisRun> {
    const run = this.d.recorder.runs.get(runId);
    if (run.status !== 'running' || (!this.active.has(runId) && !this.queued.has(runId))) return Promise.resolve(run);
    return new Promise((resolve) => this.waiters.set(runId, [...(this.waiters.get(runId) ?? []), resolve]));
  }

  isBusy(runId: number): boolean {
    return this.active.has(runId) || this.queued.has(runId);
  }

  /** Cancels everything and waits for the current run to stop (application closing). */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.queued]) {
      this.queued.delete(id);
      this.settle(id, 'incomplete', INTERRUPTED);
    }
    for (const ctl of this.active.values()) ctl.abort(new CancelledError(INTERRUPTED));
    await this.chain;
  }

  private schedule(runId: number): void {
    this.queued.add(runId);
    this.emit(runId, { status: 'running', percent: this.percentOf(this.d.recorder.runs.get(runId)), framesPerSec: null, etaMs: null, stage: 'queued', error: null });
    this.chain = this.chain
      .then(async () => {
        if (!this.queued.delete(runId)) return; // cancelled while queued
        await this.execute(runId);
      })
      // execute() settles its own failures; this only keeps one unexpected error from stopping the queue.
      .catch((e: unknown) => console.error(`analysis run ${runId}:`, e));
  }

  private settle(runId: number, status: 'complete' | 'incomplete' | 'failed', error: string | null): AnalysisRun {
    const run = this.d.recorder.close(runId, status, error);
    this.emit(runId, { status, percent: status === 'complete' ? 100 : this.percentOf(run), framesPerSec: null, etaMs: null, stage: status === 'complete' ? 'done' : status, error });
    for (const w of this.waiters.get(runId) ?? []) w(run);
    this.waiters.delete(runId);
    return run;
  }

  private percentOf(run: AnalysisRun): number {
    return run.mediaDurationMs ? Math.min(100, (100 * run.progressMs) / run.mediaDurationMs) : 0;
  }

  private emit(runId: number, p: Omit<AnalysisProgress, 'runId' | 'sessionId'>): void {
    const run = this.d.recorder.runs.get(runId);
    this.d.events.emit('analysis.progress', { runId, sessionId: run.sessionId, ...p });
  }

  private async execute(runId: number): Promise<void> {
    const ctl = new AbortController();
    this.active.set(runId, ctl);
    try {
      const job = await this.openJob(runId);
      if (!job) return;
      await this.runStages(runId, job, ctl.signal);
      if (ctl.signal.aborted) throw ctl.signal.reason;
      this.complete(runId, job.durationMs);
    } catch (e) {
      this.stopped(runId, e, ctl.signal);
    } finally {
      this.active.delete(runId);
    }
  }

  /** Finds and probes the run's media file and starts its stages; null when the run failed here (settled). */
  private async openJob(runId: number): Promise<Job | null> {
    const run = this.d.recorder.runs.get(runId);
    const session = this.d.sessions.get(run.sessionId);
    const media = session.media.find((m) => m.id === run.mediaFileId);
    const file = media ? path.join(sessionFolder(this.d.dataDir, session.id), media.fileName) : null;
    if (!media || !file || !existsSync(file)) {
      this.settle(runId, 'failed', `The media file of run ${runId} is no longer in the session folder`);
      return null;
    }
    let probe;
    try {
      probe = await probeMedia(file);
    } catch (e) {
      this.settle(runId, 'failed', e instanceof Error ? e.message : String(e));
      return null;
    }
    const durationMs = probe.durationMs ?? media.durationMs;
    if (durationMs !== null && durationMs !== run.mediaDurationMs) this.d.recorder.runs.setMediaDuration(runId, durationMs);
    const sources = new Set(probe.streams.map((s) => s.type).filter((t): t is MediaSource => t === 'video' || t === 'audio'));
    let made;
    try {
      made = await this.d.stages(sources, run.params);
    } catch (e) {
      this.settle(runId, 'failed', `Could not start the analysis models: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
    this.d.recorder.recordModels(runId, made.use);
    const stages = made.stages.filter((s) => sources.has(s.stage.source));
    if (!stages.length) {
      const why = sources.size ? `Could not start the analysis models: ${made.use.providerDetail ?? 'none is installed'}` : 'The file has neither a video stream for face analysis nor an audio stream for voice analysis';
      this.settle(runId, 'failed', why);
      return null;
    }
    // Audio stages first: all stages share the one inference worker, and run side by side the voice
    // detector's many small model calls queue behind the face batches, so the fast voice stage would finish
    // only with the slow face stage.
    stages.sort((a, b) => (a.stage.source === b.stage.source ? 0 : a.stage.source === 'audio' ? -1 : 1));
    return { file, durationMs, stages };
  }

  /** Runs the stages in turn, storing as they go; the first failure ends the run's execution. */
  private async runStages(runId: number, job: Job, signal: AbortSignal): Promise<void> {
    const { file, durationMs } = job;
    const stored = this.d.recorder.runs.progress(runId).modalities;
    const progress = new RunProgressTracker(
      job.stages.map((s) => s.stage.modality),
      stored,
      durationMs,
      this.d.progressEveryMs ?? 250,
      (p) => this.emit(runId, p),
    );
    progress.report(true);
    for (const { stage, store, storeEvery } of job.stages) {
      const m = stage.modality;
      // A stage whose progress already reached the end (a resumed run) is skipped.
      if (durationMs !== null && progress.doneOf(m) >= durationMs) continue;
      if (signal.aborted) throw signal.reason;
      progress.begin(m);
      // The batch and the stage's progress mark go in one transaction: a crash never leaves rows that the
      // progress does not cover.
      const commit = (batch: readonly Timed[], doneMs: number): void => {
        if (signal.aborted) throw signal.reason;
        this.d.recorder.transaction(() => {
          store(runId, batch);
          progress.stored(m, doneMs);
          this.d.recorder.runs.setProgress(runId, { modality: { name: m, doneMs: progress.doneOf(m) }, progressMs: progress.minDone() });
        });
      };
      const committer = new StageCommitter(stored[m] ?? null, storeEvery, commit);
      try {
        await stage.process(file, {
          signal,
          afterMs: stored[m] ?? null,
          onResults: (batch) => committer.add(batch),
          onProgress: (p) => progress.analysed(m, p),
        });
        committer.flush();
      } catch (e) {
        throw signal.aborted ? signal.reason : e;
      }
      // A stage that finished has covered the whole file, whatever time its last result carried.
      if (durationMs !== null) commit([], durationMs);
    }
    progress.report(true);
  }

  /** Every stage finished: fuse, and the run is complete. */
  private complete(runId: number, durationMs: number | null): void {
    this.emit(runId, { status: 'running', percent: 100, framesPerSec: null, etaMs: 0, stage: 'fusion', error: null });
    this.d.recorder.fuse(runId, durationMs);
    if (durationMs !== null) this.d.recorder.runs.setProgress(runId, { progressMs: durationMs });
    this.settle(runId, 'complete', null);
  }

  /** Cancelled, interrupted or failed mid-way: incomplete, saying what is kept for a resume. */
  private stopped(runId: number, e: unknown, signal: AbortSignal): void {
    const cancelled = e instanceof CancelledError || signal.reason instanceof CancelledError;
    const reason: unknown = cancelled ? signal.reason : e;
    const why = reason instanceof Error ? reason.message : String(reason);
    const kept = Object.entries(this.d.recorder.runs.progress(runId).modalities)
      .filter((x): x is [string, number] => x[1] !== null)
      .map(([m, ms]) => `${m} to ${(ms / 1000).toFixed(1)} s`);
    const stored = kept.length ? `analysed and kept: ${kept.join(', ')}` : 'nothing stored yet';
    this.settle(runId, 'incomplete', cancelled ? `${why} (${stored}); resume to continue` : `Stopped: ${why} (${stored}); resume to retry`);
  }
}
