/**
 * Offline analysis of a session's media file as an analysis run: face and voice over the file (either may be
 * absent), then fusion, episodes and storage. One run executes at a time (two cores: parallel runs would only
 * slow each other); others wait in a queue. Progress is pushed as events. A cancelled, failed or interrupted
 * run is marked incomplete with its per-modality progress kept, and resume() continues it from there.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { analysisParamsSchema, storedAnalysisParamsSchema, type AnalysisParams, type AnalysisProgress, type AnalysisRun, type RunModel } from '../../../src-shared/analysis.js';
import { ApiError } from '../../../src-shared/errors.js';
import type { EventBus } from '../event-bus.js';
import { probeMedia } from '../media/ffmpeg.js';
import { sessionFolder } from '../recording/session-folder.js';
import type { AnalysisRunsRepo } from '../store/analysis-runs-repo.js';
import type { Db } from '../store/database.js';
import type { EpisodesRepo } from '../store/episodes-repo.js';
import type { FusedRepo } from '../store/fused-repo.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { fuseRun } from './fuse-run.js';
import { lastObservationMs } from './observation-source.js';

export interface StageProgress {
  /** Media ms analysed so far by this stage. */
  doneMs: number;
  /** Frames analysed in this execution (video frames; for audio, 10 ms analysis frames). */
  frames: number;
}

export interface StageContext {
  runId: number;
  /** Results at or before this media time are already stored (a resumed run): skip them. Null: none stored. */
  afterMs: number | null;
  signal: AbortSignal;
  /**
   * Stores one batch: `write` inserts the rows; it runs in one transaction with the stage's progress mark,
   * so a crash never leaves rows that the progress does not cover.
   */
  commit(write: () => void, doneMs: number): void;
  onProgress(p: StageProgress): void;
}

/** One modality's analysis of a media file, storing its observations for the run. */
export interface ModalityStage {
  readonly modality: 'face' | 'voice';
  run(file: string, ctx: StageContext): Promise<void>;
}

export interface AnalyzerSet {
  face: ModalityStage | null;
  voice: ModalityStage | null;
  models: RunModel[];
  /** Providers actually used, e.g. "cpu" or "cuda" ("cuda+cpu" when models differ). */
  provider: string | null;
  /** Why a preferred provider was not used, per model; null when none fell back. */
  providerDetail: string | null;
}

/** Makes the analyzers a file needs (video: face; audio: voice). */
export type AnalyzerFactory = (need: { video: boolean; audio: boolean }) => Promise<AnalyzerSet>;

export interface RunnerDeps {
  db: Db;
  dataDir: string;
  version: string;
  sessions: SessionsRepo;
  runs: AnalysisRunsRepo;
  fused: FusedRepo;
  episodes: EpisodesRepo;
  events: EventBus;
  analyzers: AnalyzerFactory;
  /** Minimum ms between progress events (default 250). */
  progressEveryMs?: number;
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
    d.runs.markInterrupted(INTERRUPTED);
  }

  /** Creates an offline run for a media file of a session (default: its newest file) and queues it. */
  start(input: { sessionId: number; mediaFileId?: number; params?: unknown }): AnalysisRun {
    if (this.closed) throw new ApiError('unavailable', 'The application is closing');
    const session = this.d.sessions.get(input.sessionId);
    const media = input.mediaFileId === undefined ? session.media[session.media.length - 1] : session.media.find((m) => m.id === input.mediaFileId);
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
    const run = this.d.runs.create({
      sessionId: session.id,
      mediaFileId: media.id,
      mode: 'offline',
      params: parsed.data,
      softwareVersion: this.d.version,
      mediaDurationMs: media.durationMs,
    });
    this.schedule(run.id);
    return run;
  }

  /** Continues an incomplete (or failed) offline run from its stored progress. */
  resume(runId: number): AnalysisRun {
    if (this.closed) throw new ApiError('unavailable', 'The application is closing');
    const run = this.d.runs.get(runId);
    if (run.mode !== 'offline') throw new ApiError('conflict', `Run ${runId} is a live run; only offline runs can be resumed`);
    if (run.status === 'complete') throw new ApiError('conflict', `Run ${runId} is already complete`);
    if (this.active.has(runId) || this.queued.has(runId)) throw new ApiError('conflict', `Run ${runId} is already running`);
    this.d.runs.reopen(runId);
    this.schedule(runId);
    return this.d.runs.get(runId);
  }

  /** Stops a running or queued run; it is marked incomplete and can be resumed. */
  cancel(runId: number): AnalysisRun {
    const ctl = this.active.get(runId);
    if (ctl) {
      ctl.abort(new CancelledError('Cancelled by the user'));
      return this.d.runs.get(runId);
    }
    if (this.queued.delete(runId)) return this.settle(runId, 'incomplete', 'Cancelled by the user before it started');
    const run = this.d.runs.get(runId);
    if (run.status !== 'running') throw new ApiError('conflict', `Run ${runId} is not running`);
    return run;
  }

  /** Resolves when the run has finished (complete, incomplete or failed). */
  whenDone(runId: number): Promise<AnalysisRun> {
    const run = this.d.runs.get(runId);
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
    this.emit(runId, { status: 'running', percent: this.percentOf(this.d.runs.get(runId)), framesPerSec: null, etaMs: null, stage: 'queued', error: null });
    this.chain = this.chain
      .then(async () => {
        if (!this.queued.delete(runId)) return; // cancelled while queued
        await this.execute(runId);
      })
      // execute() settles its own failures; this only keeps one unexpected error from stopping the queue.
      .catch((e: unknown) => console.error(`analysis run ${runId}:`, e));
  }

  private settle(runId: number, status: 'complete' | 'incomplete' | 'failed', error: string | null): AnalysisRun {
    const run = this.d.runs.finish(runId, status, error);
    this.emit(runId, { status, percent: status === 'complete' ? 100 : this.percentOf(run), framesPerSec: null, etaMs: null, stage: status === 'complete' ? 'done' : status, error });
    for (const w of this.waiters.get(runId) ?? []) w(run);
    this.waiters.delete(runId);
    return run;
  }

  private percentOf(run: AnalysisRun): number {
    return run.mediaDurationMs ? Math.min(100, (100 * run.progressMs) / run.mediaDurationMs) : 0;
  }

  private emit(runId: number, p: Omit<AnalysisProgress, 'runId' | 'sessionId'>): void {
    const run = this.d.runs.get(runId);
    this.d.events.emit('analysis.progress', { runId, sessionId: run.sessionId, ...p });
  }

  private async execute(runId: number): Promise<void> {
    const ctl = new AbortController();
    this.active.set(runId, ctl);
    try {
      let run = this.d.runs.get(runId);
      const session = this.d.sessions.get(run.sessionId);
      const media = session.media.find((m) => m.id === run.mediaFileId);
      const file = media ? path.join(sessionFolder(this.d.dataDir, session.id), media.fileName) : null;
      if (!media || !file || !existsSync(file)) {
        this.settle(runId, 'failed', `The media file of run ${runId} is no longer in the session folder`);
        return;
      }
      let probe;
      try {
        probe = await probeMedia(file);
      } catch (e) {
        this.settle(runId, 'failed', e instanceof Error ? e.message : String(e));
        return;
      }
      const durationMs = probe.durationMs ?? media.durationMs;
      if (durationMs !== null && durationMs !== run.mediaDurationMs) this.d.db.prepare('UPDATE analysis_run SET media_duration_ms = ? WHERE id = ?').run(durationMs, runId);
      const need = { video: probe.streams.some((s) => s.type === 'video'), audio: probe.streams.some((s) => s.type === 'audio') };

      let analyzers: AnalyzerSet;
      try {
        analyzers = await this.d.analyzers(need);
      } catch (e) {
        this.settle(runId, 'failed', `Could not start the analysis models: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      this.d.runs.setModels(runId, { provider: analyzers.provider, providerDetail: analyzers.providerDetail, models: analyzers.models });
      const stages = [need.video ? analyzers.face : null, need.audio ? analyzers.voice : null].filter((s): s is ModalityStage => s !== null);
      if (!stages.length) {
        this.settle(runId, 'failed', 'The file has neither a video stream for face analysis nor an audio stream for voice analysis');
        return;
      }

      await this.runStages(runId, file, durationMs, stages, ctl);
      if (ctl.signal.aborted) throw ctl.signal.reason;

      this.emit(runId, { status: 'running', percent: 100, framesPerSec: null, etaMs: 0, stage: 'fusion', error: null });
      run = this.d.runs.get(runId);
      const params = storedAnalysisParamsSchema.parse(run.params) as AnalysisParams;
      fuseRun(this.d, runId, durationMs ?? lastObservationMs(this.d.db, runId) ?? 0, params);
      if (durationMs !== null) this.d.runs.setProgress(runId, { progressMs: durationMs });
      this.settle(runId, 'complete', null);
    } catch (e) {
      const cancelled = e instanceof CancelledError || ctl.signal.reason instanceof CancelledError;
      const reason: unknown = cancelled ? ctl.signal.reason : e;
      const why = reason instanceof Error ? reason.message : String(reason);
      const p = this.d.runs.progress(runId);
      const kept = [
        p.faceProgressMs !== null ? `face to ${(p.faceProgressMs / 1000).toFixed(1)} s` : null,
        p.voiceProgressMs !== null ? `voice to ${(p.voiceProgressMs / 1000).toFixed(1)} s` : null,
      ].filter(Boolean);
      const stored = kept.length ? `analysed and kept: ${kept.join(', ')}` : 'nothing stored yet';
      this.settle(runId, 'incomplete', cancelled ? `${why} (${stored}); resume to continue` : `Stopped: ${why} (${stored}); resume to retry`);
    } finally {
      this.active.delete(runId);
    }
  }

  /** Runs the stages in turn, storing as they go; the first failure ends the run's execution. */
  private async runStages(runId: number, file: string, durationMs: number | null, stages: ModalityStage[], ctl: AbortController): Promise<void> {
    const stored = this.d.runs.progress(runId);
    const done: Record<'face' | 'voice', number> = { face: stored.faceProgressMs ?? 0, voice: stored.voiceProgressMs ?? 0 };
    const frames: Record<'face' | 'voice', number> = { face: 0, voice: 0 };
    // What the analyzers report as analysed (for the progress bar); `done` is what is stored (for resume).
    const seen = { ...done };
    const startedAt = performance.now();
    const minDone = (): number => Math.min(...stages.map((s) => done[s.modality]));
    const minSeen = (): number => Math.min(...stages.map((s) => seen[s.modality]));
    const startMin = minSeen();
    let lastEmit = 0;
    let current: 'face' | 'voice' = stages[0].modality;
    let stageStartedAt = startedAt;
    const every = this.d.progressEveryMs ?? 250;
    const report = (force = false): void => {
      const now = performance.now();
      if (!force && now - lastEmit < every) return;
      lastEmit = now;
      const elapsed = (now - startedAt) / 1000;
      const m = minSeen();
      const mediaRate = elapsed > 0 ? (m - startMin) / elapsed : 0; // media ms per wall second
      const stageElapsed = (now - stageStartedAt) / 1000;
      const fps = stageElapsed > 0 && frames[current] > 0 ? frames[current] / stageElapsed : null;
      this.emit(runId, {
        status: 'running',
        percent: durationMs ? Math.min(100, (100 * m) / durationMs) : 0,
        framesPerSec: fps,
        etaMs: durationMs && mediaRate > 0 ? Math.max(0, ((durationMs - m) / mediaRate) * 1000) : null,
        stage: current,
        error: null,
      });
    };
    report(true);
    const runOne = async (stage: ModalityStage): Promise<void> => {
      const key = stage.modality === 'face' ? 'faceProgressMs' : 'voiceProgressMs';
      const ctx: StageContext = {
        runId,
        afterMs: stage.modality === 'face' ? stored.faceProgressMs : stored.voiceProgressMs,
        signal: ctl.signal,
        commit: (write, doneMs) => {
          if (ctl.signal.aborted) throw ctl.signal.reason;
          this.d.db.transaction(() => {
            write();
            done[stage.modality] = Math.max(done[stage.modality], doneMs);
            seen[stage.modality] = Math.max(seen[stage.modality], doneMs);
            this.d.runs.setProgress(runId, { [key]: done[stage.modality], progressMs: minDone() });
          })();
        },
        onProgress: (p) => {
          frames[stage.modality] = p.frames;
          seen[stage.modality] = Math.max(seen[stage.modality], p.doneMs);
          report();
        },
      };
      try {
        await stage.run(file, ctx);
      } catch (e) {
        throw ctl.signal.aborted ? ctl.signal.reason : e;
      }
      // A stage that finished has covered the whole file, whatever time its last result carried.
      if (durationMs !== null) ctx.commit(() => undefined, durationMs);
    };
    // One after the other, voice first: both share the one inference worker, and run side by side the voice
    // detector's many small model calls queue behind the face batches, so the fast voice stage would finish
    // only with the slow face stage. A stage whose progress already reached the end (resumed run) is skipped.
    const order = [...stages].sort((a, b) => (a.modality === 'voice' ? -1 : b.modality === 'voice' ? 1 : 0));
    for (const stage of order) {
      if (durationMs !== null && done[stage.modality] >= durationMs) continue;
      if (ctl.signal.aborted) throw ctl.signal.reason;
      current = stage.modality;
      stageStartedAt = performance.now();
      await runOne(stage);
    }
    report(true);
  }
}
