/**
 * `affect worker`: takes analysis jobs from the lab's BullMQ queue and answers each with a result bundle. Each of
 * its `concurrency` slots has its own scratch data folder, core and inference thread, so slots analyse side by
 * side. Reliability is BullMQ's: a job is locked while a slot works on it (the lock is renewed); when a worker
 * dies its lock runs out and another worker's stalled-job check puts the job back (at-least-once); a job that
 * fails is retried with backoff by the submitter's policy and ends in `failed` with its reason.
 *
 * Refused outright (no retry, `failed` with the reason): a job this release cannot read, one submitted by
 * another Affect Studio version or with other models (hashes), and one whose clip bytes are not those submitted.
 * Each reason is a catalogue entry with its values behind the English words (job-failure.ts), so the submitter
 * words it in its reader's language.
 * A clip this worker cannot reach (no such share here, file server away) fails the attempt and is retried.
 */
import os from 'node:os';
import type { Job, Worker } from 'bullmq';
import type { AnalysisProgress } from '../../../src-shared/analysis.js';
import { note, type Note } from '../../../src-shared/i18n/notes.js';
import { shortValue, textOnly } from '../../../src-shared/i18n/noted-text.js';
import { loadManifest } from '../inference/manifest.js';
import type { ProviderPreference } from '../inference/providers.js';
import { APP_VERSION } from '../version.js';
import { encodeBundle, type ResultBundle, type WireBundle, type WorkerInfo } from './bundle.js';
import { type AnalysisJob, analysisJobSchema, JOB_FORMAT, JOB_VERSION, QUEUE_NAME } from './job.js';
import { workerReason } from './job-failure.js';
import { modelMismatch, pipelineModels } from './model-set.js';
import { type RedisTarget, redisOptions } from './redis-connection.js';
import { ClipMismatchError, type ClipBytes, removeStaleScratch, ScratchAnalysis } from './scratch-analysis.js';
import { resolveShareRef, type Share, ShareError } from './shares.js';

export interface LabWorkerOptions {
  redis: RedisTarget;
  queue?: string;
  concurrency: number;
  provider: ProviderPreference;
  shares: Share[];
  /** Where scratch data folders go (default: the system's temp folder). */
  scratchRoot: string;
  /** The worker's name in the queue; default host:pid. */
  name?: string;
  /**
   * How long a job stays locked to a worker that stopped answering (ms, default 30 000); the stalled check runs
   * as often. A dead worker's job goes back to the queue within about twice this.
   */
  lockMs?: number;
  log: (line: string) => void;
}

/** What the worker tells the queue about a job in progress (the queue panel shows it). */
export interface JobProgress {
  percent: number;
  stage: string;
}

export class LabWorker {
  private readonly controllers = new Map<string, { ctl: AbortController; job: Job; token: string | undefined }>();
  private stopping = false;

  private constructor(
    /** BullMQ, loaded when a worker starts (it takes a second to load; other commands never need it). */
    private readonly bull: typeof import('bullmq'),
    private readonly o: LabWorkerOptions,
    private readonly info: WorkerInfo,
    private readonly slots: ScratchAnalysis[],
    private readonly worker: Worker,
  ) {}

  get name(): string {
    return this.info.name;
  }

  static async start(o: LabWorkerOptions): Promise<LabWorker> {
    const stale = removeStaleScratch(o.scratchRoot);
    if (stale) o.log(`removed ${stale} scratch folder(s) left by workers that stopped without cleaning up`);
    const ownModels = pipelineModels(loadManifest());
    const slots: ScratchAnalysis[] = [];
    try {
      for (let i = 0; i < o.concurrency; i++) slots.push(await ScratchAnalysis.open(o.scratchRoot, o.provider));
    } catch (e) {
      await Promise.all(slots.map((s) => s.close()));
      throw e;
    }
    const name = o.name ?? `${os.hostname()}:${process.pid}`;
    const info: WorkerInfo = { name, host: os.hostname(), pid: process.pid, platform: `${process.platform}-${process.arch}`, softwareVersion: APP_VERSION };
    const lockMs = o.lockMs ?? 30_000;
    const bull = await import('bullmq');
    let self: LabWorker | null = null;
    const worker = new bull.Worker(o.queue ?? QUEUE_NAME, (job, token) => self!.process(job, token, ownModels), {
      connection: redisOptions(o.redis),
      concurrency: o.concurrency,
      name,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      // A clip that kills its worker twice is failed rather than passed from worker to worker for ever.
      maxStalledCount: 2,
      autorun: false,
    });
    self = new LabWorker(bull, o, info, slots, worker);
    worker.on('error', (e) => o.log(`queue: ${e.message}`));
    worker.on('failed', (job, e) => {
      if (job && !(e instanceof bull.WaitingError)) o.log(`job ${job.id}: attempt ${job.attemptsMade} failed: ${textOnly(e.message)}`);
    });
    worker.on('completed', (job) => o.log(`job ${job.id}: done`));
    void worker.run().catch((e: unknown) => o.log(`queue: ${e instanceof Error ? e.message : String(e)}`));
    await worker.waitUntilReady();
    return self;
  }

  private async process(job: Job, token: string | undefined, ownModels: ReturnType<typeof pipelineModels>): Promise<WireBundle> {
    const data = this.checkJob(job, ownModels);
    let clip: ClipBytes;
    if (data.clip.via === 'share') {
      try {
        clip = { file: resolveShareRef(this.o.shares, data.clip.ref) };
      } catch (e) {
        if (!(e instanceof ShareError)) throw e;
        if (e.note.key === 'errors.share.outside' || e.note.key === 'errors.share.invalidPath') throw this.refusal(e.note);
        // Another worker may have the share, or the file server may be back by the next attempt.
        throw new Error(workerReason(e.note));
      }
    } else {
      const bytes = Buffer.from(data.clip.data, 'base64');
      if (bytes.length !== data.bytes) throw this.refusal(note('labJob.worker.clipSize', { worker: this.info.name, actual: bytes.length, expected: data.bytes }));
      clip = { data: bytes };
    }
    const slot = this.slots.find((s) => !s.inUse);
    if (!slot) throw new Error('no free analysis slot (more jobs than --concurrency)');
    const ctl = new AbortController();
    const id = job.id ?? '?';
    this.controllers.set(id, { ctl, job, token });
    // A stop that came after the queue made the job active but before it reached here found nothing to abort:
    // without this the job would be analysed to the end instead of handed back.
    if (this.stopping) ctl.abort(new Error('the worker is stopping'));
    this.o.log(`job ${id}: started (session ${data.sessionId} of folder ${data.folder.slice(0, 8)}, ${data.clip.via})`);
    const startedAt = new Date().toISOString();
    let lastProgress = 0;
    const onProgress = (p: AnalysisProgress): void => {
      const now = Date.now();
      if (p.status === 'running' && now - lastProgress < 1000) return;
      lastProgress = now;
      const progress: JobProgress = { percent: Math.round(p.percent), stage: p.stage };
      void job.updateProgress(progress).catch(() => undefined);
    };
    try {
      const r = await slot.analyse(clip, { ext: data.ext, bytes: data.bytes, sha256: data.sha256, params: data.params }, { signal: ctl.signal, onProgress });
      const bundle: ResultBundle = {
        format: 'affect-studio/result-bundle',
        version: 1,
        jobId: id,
        folder: data.folder,
        sessionId: data.sessionId,
        mediaFileId: data.mediaFileId,
        clipSha256: r.sha256,
        worker: this.info,
        run: {
          params: data.params,
          models: r.run.models,
          provider: r.run.provider,
          providerDetail: r.run.providerDetail,
          softwareVersion: r.run.softwareVersion,
          mediaDurationMs: r.run.mediaDurationMs,
          modalityProgress: r.modalityProgress,
          startedAt,
          endedAt: new Date().toISOString(),
          analysisMs: r.analysisMs,
        },
        schemaVersion: r.schemaVersion,
        tables: r.tables,
      };
      const t = performance.now();
      const wire = await encodeBundle(bundle);
      const s = (ms: number) => (ms / 1000).toFixed(2);
      this.o.log(
        `job ${id}: analysed in ${s(r.analysisMs)} s; clip in ${s(r.timings.importMs)} s, rows out ${s(r.timings.readMs)} s, clean-up ${s(r.timings.cleanupMs)} s, ` +
          `bundle ${s(performance.now() - t)} s (${(wire.data.length / 1024).toFixed(0)} KiB)`,
      );
      return wire;
    } catch (e) {
      if (this.stopping && ctl.signal.aborted) {
        // Stopping: the job goes straight back to the queue for another worker (not counted as a failed attempt).
        await job.moveToWait(token);
        throw new this.bull.WaitingError();
      }
      if (e instanceof ClipMismatchError) throw this.refusal(e.note);
      throw e;
    } finally {
      this.controllers.delete(id);
    }
  }

  /**
   * A refusal (no retry): the job ends in `failed` with the note as its reason (English first, for a person
   * reading Redis or an older submitter; see job-failure.ts).
   */
  private refusal(n: Note): Error {
    return new this.bull.UnrecoverableError(workerReason(n));
  }

  /** The job's data, or an UnrecoverableError saying why this worker refuses it. */
  private checkJob(job: Job, ownModels: ReturnType<typeof pipelineModels>): AnalysisJob {
    const worker = this.info.name;
    const raw = job.data as { format?: unknown; version?: unknown; softwareVersion?: unknown } | null;
    if (raw?.format !== JOB_FORMAT) throw this.refusal(note('labJob.worker.notAJob', { worker }));
    if (raw.version !== JOB_VERSION) throw this.refusal(note('labJob.worker.jobVersion', { worker, version: shortValue(String(raw.version), 40), reads: JOB_VERSION }));
    const parsed = analysisJobSchema.safeParse(job.data);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw this.refusal(note('labJob.worker.malformed', { worker, issues: shortValue(issues) }));
    }
    const d = parsed.data;
    if (d.softwareVersion !== APP_VERSION) throw this.refusal(note('labJob.worker.softwareVersion', { worker, submitted: d.softwareVersion, runs: APP_VERSION }));
    const why = modelMismatch(d.models, ownModels);
    if (why) throw this.refusal(note('labJob.worker.models', { worker, differences: shortValue(why) }));
    return d;
  }

  /**
   * Stops taking jobs; jobs in progress are cancelled and put back in the queue for another worker (or, with
   * `finish`, completed first). Scratch folders are removed.
   */
  async stop(opts: { finish?: boolean } = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (!opts.finish) for (const { ctl } of this.controllers.values()) ctl.abort(new Error('the worker is stopping'));
    await this.worker.close();
    await Promise.all(this.slots.map((s) => s.close()));
  }
}
