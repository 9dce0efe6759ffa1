/**
 * The submitting side of lab workers: one BullMQ queue on the lab's Redis, jobs for this data folder's sessions,
 * and the results coming back. Each job is a row here first (queue_job), so every result is matched to what was
 * sent — the clip's sha256, the models — and stored once: the row becomes done in the same transaction that
 * stores the run, and a second delivery of the same job finds it done and is dropped. Jobs stay in Redis until
 * their result is stored here (nothing is lost while this data folder is closed); failed jobs stay so that they
 * can be retried, until they are 30 days old.
 */
import { createHash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { analysisParamsSchema, type AnalysisRun } from '../../../src-shared/analysis.js';
import type { QueueJobState, QueueJobView, QueueStatus, QueueWorkerView } from '../../../src-shared/contract/queue.js';
import type { ApiError, MessageRef } from '../../../src-shared/errors.js';
import { apiError } from '../../../src-shared/i18n/errors.js';
import { nestNote, note, type Note, noteEnglish } from '../../../src-shared/i18n/notes.js';
import { shortValue } from '../../../src-shared/i18n/noted-text.js';
import { loadManifest } from '../inference/manifest.js';
import { mediaStoreOf, readStoredMedia } from '../media/session-media-file.js';
import { sessionFolder } from '../recording/session-folder.js';
import { schemaVersion } from '../store/database.js';
import type { QueueJobRow, QueueJobsRepo } from '../store/queue-jobs-repo.js';
import type { SettingsRepo } from '../store/settings-repo.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { BundleError, decodeBundle } from './bundle.js';
import { type BundleStoreDeps, bundleMismatch, storeBundle } from './bundle-import.js';
import { type AnalysisJob, DEFAULT_INLINE_MAX_BYTES, DEFAULT_RETRY, JOB_FORMAT, JOB_VERSION, type JobModel, jobIdOf, parseJobId, QUEUE_NAME, type RetryPolicy } from './job.js';
import { failureOf, readReason, reasonFromRedis, storedReason } from './job-failure.js';
import { pipelineModels } from './model-set.js';
import { probeRedis, type RedisTarget, redactUrl, redisOptions } from './redis-connection.js';
import { type Share, toShareRef } from './shares.js';

export interface QueueConnection {
  target: RedisTarget;
  queue: string;
  shares: Share[];
  inlineMaxBytes: number;
  retry: RetryPolicy;
}

export interface LabQueueDeps extends BundleStoreDeps {
  dataDir: string;
  sessions: SessionsRepo;
  settings: SettingsRepo;
  jobs: QueueJobsRepo;
}

/** What collect() reports back for each job it settled; the handler audits them in the same transaction. */
export interface CollectHooks {
  stored(row: QueueJobRow, run: AnalysisRun): void;
  failed(row: QueueJobRow, error: Note): void;
  /** May this session's result be stored (consent)? The refusal when not (analysis-consent.ts). */
  refusal(sessionId: number): Note | null;
}

/** A job row's failure reason as the queue panel and `affect batch status` show it. */
function viewReason(error: string | null, fromRedis = false): Pick<QueueJobView, 'error' | 'errorNote'> {
  const r = readReason(error, fromRedis);
  return { error: r.text, errorNote: r.note };
}

const STATUS_TIMEOUT_MS = 10_000;
const FAILED_KEEP_S = 30 * 24 * 3600;
const JOB_STATES = ['active', 'waiting', 'prioritized', 'delayed', 'completed', 'failed', 'waiting-children'] as const;

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The clip's size, SHA-256 and, when it travels in the job, its bytes: a file in the (encrypted) data folder is
 * decrypted in memory as it is read (at most `keepMax` bytes kept), never copied out in clear.
 */
async function readClip(file: string, sealed: boolean, keepMax: number): Promise<{ size: number; sha256: string; data: Buffer | null }> {
  const stored = sealed ? await readStoredMedia(file) : { size: statSync(file).size, chunks: createReadStream(file) as AsyncIterable<Buffer> };
  const h = createHash('sha256');
  const keep = stored.size <= keepMax ? Buffer.alloc(stored.size) : null;
  let at = 0;
  for await (const chunk of stored.chunks) {
    if (at + chunk.length > stored.size) throw new Error('the clip changed while it was read');
    h.update(chunk);
    if (keep) chunk.copy(keep, at);
    at += chunk.length;
  }
  if (at !== stored.size) throw new Error('the clip changed while it was read');
  return { size: stored.size, sha256: h.digest('hex'), data: keep };
}

export class LabQueue {
  /** BullMQ and ioredis are loaded on connecting (they take a second to load; most runs never connect). */
  private conn: { c: QueueConnection; queue: Queue; redis: Redis; label: string; bull: typeof import('bullmq') } | null = null;

  constructor(private readonly d: LabQueueDeps) {}

  /** This data folder's random id in job ids (made once, kept in its settings). */
  folderId(): string {
    let id = this.d.settings.get('queue.folder');
    if (!id || !/^[0-9a-f]{32}$/.test(id)) {
      id = randomBytes(16).toString('hex');
      this.d.settings.set('queue.folder', id);
    }
    return id;
  }

  /** This folder's job row, or null. */
  row(id: number): QueueJobRow | null {
    return this.d.jobs.find(id);
  }

  get connected(): boolean {
    return this.conn !== null;
  }

  /** Connects (after a round trip to Redis that checks the address and password); replaces an earlier connection. */
  async connect(c: QueueConnection): Promise<void> {
    const opts = redisOptions(c.target);
    const label = redactUrl(c.target.url);
    try {
      await probeRedis(c.target);
    } catch (e) {
      throw apiError('unavailable', 'errors.queue.unreachable', { reason: e instanceof Error ? e.message.replace(/^cannot reach Redis /, 'Redis ') : String(e) });
    }
    await this.disconnect();
    const [bull, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);
    const queue = new bull.Queue(c.queue, { connection: { ...opts, maxRetriesPerRequest: 2 } });
    queue.on('error', () => undefined); // reported by status() when it cannot read the queue
    const redis = new Redis({ ...opts, maxRetriesPerRequest: 2 });
    redis.on('error', () => undefined);
    this.conn = { c, queue, redis, label, bull };
    this.d.settings.set('queue.url', label);
    this.d.settings.set('queue.name', c.queue);
    this.d.settings.set('queue.shares', JSON.stringify(c.shares.map((s) => ({ name: s.name, folder: s.root }))));
  }

  remembered(): { url: string | null; queue: string | null; shares: Array<{ name: string; folder: string }> } {
    let shares: Array<{ name: string; folder: string }> = [];
    try {
      shares = JSON.parse(this.d.settings.get('queue.shares') ?? '[]') as typeof shares;
    } catch {
      /* none remembered */
    }
    return { url: this.d.settings.get('queue.url'), queue: this.d.settings.get('queue.name'), shares };
  }

  async disconnect(): Promise<boolean> {
    const c = this.conn;
    if (!c) return false;
    this.conn = null;
    await c.queue.close().catch(() => undefined);
    c.redis.disconnect();
    return true;
  }

  private need(): NonNullable<LabQueue['conn']> {
    if (!this.conn) throw apiError('conflict', 'errors.queue.notConnected');
    return this.conn;
  }

  /**
   * Sends one session's media file to the queue. `source`: the file to send (the original on a share, or the copy
   * in the data folder); it must hash to the session's media (the name of an imported copy carries its hash).
   */
  async submit(sessionId: number, mediaFileId: number | undefined, sourcePath: string | undefined, submittedBy: number | null): Promise<{ row: QueueJobRow; jobId: string }> {
    const { c, queue, label } = this.need();
    const session = this.d.sessions.get(sessionId);
    const media = mediaFileId === undefined ? session.media[session.media.length - 1] : session.media.find((m) => m.id === mediaFileId);
    if (!media) throw mediaFileId === undefined ? apiError('conflict', 'errors.queue.noMedia', { id: sessionId }) : apiError('not_found', 'errors.queue.mediaNotInSession', { mediaId: mediaFileId, id: sessionId });
    if (session.status === 'recording' && media.kind === 'recording') throw apiError('conflict', 'errors.queue.stillRecording', { id: sessionId });
    const copy = path.join(sessionFolder(this.d.dataDir, sessionId), media.fileName);
    const file = sourcePath ?? copy;
    if (!path.isAbsolute(file)) throw apiError('invalid_input', 'errors.queue.clipPathAbsolute');
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
    } catch {
      throw apiError('not_found', sourcePath ? 'errors.queue.clipUnreadable' : 'errors.queue.mediaMissing', { id: sessionId });
    }
    // A copy in an encrypted data folder is sealed on disk: workers cannot read it there (they have no key), so
    // it travels in the job, decrypted in this process's memory only; never as a path on a share.
    const sealed = mediaStoreOf(file).encrypted;
    const ref = sealed ? null : toShareRef(c.shares, file);
    const { size, sha256, data: clipData } = await readClip(file, sealed, ref ? 0 : c.inlineMaxBytes);
    if (sourcePath !== undefined) {
      // Only the clip that was imported may be sent: a path given here cannot make the app read and send another file.
      const hashed = /^clip-([0-9a-f]{16})\./.exec(media.fileName);
      if (!hashed || !sha256.startsWith(hashed[1])) throw apiError('invalid_input', 'errors.queue.notImportedClip', { id: sessionId });
    }
    if (!ref && size > c.inlineMaxBytes) {
      throw apiError('invalid_input', 'errors.queue.inlineTooLarge', { id: sessionId, size: (size / 1024 ** 2).toFixed(1), max: (c.inlineMaxBytes / 1024 ** 2).toFixed(0) });
    }
    const models: JobModel[] = pipelineModels(loadManifest());
    const row = this.d.jobs.create({ sessionId, mediaFileId: media.id, queue: `${label} ${c.queue}`, clipSha256: sha256, models: JSON.stringify(models), via: ref ? 'share' : 'inline', submittedBy });
    const folder = this.folderId();
    const jobId = jobIdOf(folder, row.id);
    const data: AnalysisJob = {
      format: JOB_FORMAT,
      version: JOB_VERSION,
      folder,
      sessionId,
      mediaFileId: media.id,
      clip: ref ? { via: 'share', ref } : { via: 'inline', data: clipData!.toString('base64') },
      ext: path.extname(media.fileName).toLowerCase(),
      bytes: size,
      sha256,
      params: analysisParamsSchema.parse({}),
      models,
      softwareVersion: this.d.version,
    };
    try {
      await within(
        queue.add('analyse', data, {
          jobId,
          attempts: c.retry.attempts,
          backoff: { type: 'exponential', delay: c.retry.backoffMs },
          removeOnComplete: false,
          removeOnFail: { age: FAILED_KEEP_S },
        }),
        STATUS_TIMEOUT_MS,
        'The lab queue',
      );
    } catch (e) {
      this.d.jobs.delete(row.id);
      throw apiError('unavailable', 'errors.queue.sendFailed', { id: sessionId, reason: e instanceof Error ? e.message : String(e) });
    }
    return { row, jobId };
  }

  /**
   * Puts failed jobs back into the queue (the same job, with its clip as sent), if consent still allows it. A job
   * that failed in Redis since the last collect is recorded as failed first: status() already shows it failed.
   */
  async retry(ids: readonly number[], hooks: CollectHooks): Promise<{ jobs: Array<{ id: number; sessionId: number }>; refused: Array<{ id: number; message: string; i18n?: MessageRef }> }> {
    const { queue, bull } = this.need();
    const folder = this.folderId();
    const jobs: Array<{ id: number; sessionId: number }> = [];
    const refused: Array<{ id: number; message: string; i18n?: MessageRef }> = [];
    const refuse = (id: number, e: ApiError): void => void refused.push({ id, message: e.message, ...(e.i18n ? { i18n: e.i18n } : {}) });
    for (const id of ids) {
      let row = this.d.jobs.find(id);
      if (row?.state === 'queued' && (await within(queue.getJobState(jobIdOf(folder, id)), STATUS_TIMEOUT_MS, 'The lab queue')) === 'failed') {
        await this.settle(id, 'failed', hooks, [], []);
        row = this.d.jobs.find(id);
      }
      if (!row || row.state !== 'failed') {
        refuse(id, apiError('conflict', 'errors.queue.notFailed', { id }));
        continue;
      }
      const consent = hooks.refusal(row.sessionId);
      if (consent) {
        refused.push({ id, message: noteEnglish(consent), i18n: consent });
        continue;
      }
      const job = await bull.Job.fromId(queue, jobIdOf(folder, id));
      if (!job || (await job.getState()) !== 'failed') {
        refuse(id, apiError('not_found', 'errors.queue.goneFromQueue', { id, session: row.sessionId }));
        continue;
      }
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      this.d.jobs.requeue(id);
      jobs.push({ id, sessionId: row.sessionId });
    }
    return { jobs, refused };
  }

  /** This folder's jobs in Redis, by state. */
  private async redisStates(queue: Queue): Promise<Map<number, (typeof JOB_STATES)[number]>> {
    const folder = this.folderId();
    const out = new Map<number, (typeof JOB_STATES)[number]>();
    for (const state of JOB_STATES) {
      for (const id of await queue.getRanges([state], 0, -1)) {
        const p = parseJobId(id);
        if (p && p.folder === folder && !out.has(p.localId)) out.set(p.localId, state);
      }
    }
    return out;
  }

  /**
   * Worker, progress and attempts of jobs, read field by field from their hashes (Job.fromId would also fetch the
   * job's data, which for an inline clip is the whole clip).
   */
  private async jobFields(redis: Redis, queue: Queue, jobIds: string[]): Promise<Map<string, { worker: string | null; percent: number | null; attempts: number; error: string | null }>> {
    const out = new Map<string, { worker: string | null; percent: number | null; attempts: number; error: string | null }>();
    if (!jobIds.length) return out;
    const pipe = redis.pipeline();
    for (const id of jobIds) pipe.hmget(queue.toKey(id), 'pb', 'progress', 'atm', 'failedReason');
    const replies = (await pipe.exec()) ?? [];
    jobIds.forEach((id, i) => {
      const [err, vals] = replies[i] ?? [null, null];
      const [pb, progress, atm, failedReason] = err ? [null, null, null, null] : (vals as Array<string | null>);
      let percent: number | null = null;
      try {
        const p = progress ? (JSON.parse(progress) as { percent?: unknown }) : null;
        if (p && typeof p.percent === 'number') percent = Math.max(0, Math.min(100, p.percent));
      } catch {
        /* not ours */
      }
      out.set(id, { worker: pb || null, percent, attempts: Number(atm) || 0, error: failedReason || null });
    });
    return out;
  }

  async status(limit = 500): Promise<QueueStatus> {
    const local = this.d.jobs.counts();
    const rows = this.d.jobs.list({ limit });
    const base = (): QueueStatus['jobs'] =>
      rows.map((r) => ({
        id: r.id,
        jobId: jobIdOf(this.folderId(), r.id),
        sessionId: r.sessionId,
        state: r.state === 'queued' ? 'waiting' : r.state,
        worker: r.worker,
        percent: r.state === 'done' ? 100 : null,
        attempts: 0,
        ...viewReason(r.error),
        runId: r.runId,
        via: r.via,
        submittedAt: r.submittedAt,
        finishedAt: r.finishedAt,
      }));
    const perWorker = this.d.jobs.perWorker();
    const conn = this.conn;
    if (!conn) {
      return {
        connection: null,
        error: null,
        errorNote: null,
        counts: { waiting: local.queued, active: 0, done: local.done, failed: local.failed, lost: 0 },
        workers: perWorker.map((w) => ({ name: w.worker, online: false, active: 0, done: w.done, failed: w.failed })),
        jobs: base(),
      };
    }
    const connection = { url: conn.label, queue: conn.c.queue, shares: conn.c.shares.map((s) => s.name) };
    try {
      return await within(this.liveStatus(conn, rows, perWorker, local, connection), STATUS_TIMEOUT_MS, 'The lab queue');
    } catch (e) {
      const why = note('labJob.queueUnreadable', { reason: e instanceof Error ? e.message : String(e) });
      return {
        connection,
        error: noteEnglish(why),
        errorNote: why,
        counts: { waiting: local.queued, active: 0, done: local.done, failed: local.failed, lost: 0 },
        workers: perWorker.map((w) => ({ name: w.worker, online: false, active: 0, done: w.done, failed: w.failed })),
        jobs: base(),
      };
    }
  }

  private async liveStatus(
    conn: NonNullable<LabQueue['conn']>,
    rows: QueueJobRow[],
    perWorker: Array<{ worker: string; done: number; failed: number }>,
    local: Record<'queued' | 'done' | 'failed', number>,
    connection: NonNullable<QueueStatus['connection']>,
  ): Promise<QueueStatus> {
    const folder = this.folderId();
    const states = await this.redisStates(conn.queue);
    const queuedIds = rows.filter((r) => r.state === 'queued').map((r) => jobIdOf(folder, r.id));
    const fields = await this.jobFields(conn.redis, conn.queue, queuedIds);
    const counts = { waiting: 0, active: 0, done: local.done, failed: local.failed, lost: 0 };
    // Counts of queued jobs come from every queued row, not only those listed.
    for (const r of this.d.jobs.list({ state: 'queued' })) {
      const s = states.get(r.id);
      if (s === 'active') counts.active++;
      else if (s === 'completed') counts.done++;
      else if (s === 'failed') counts.failed++;
      else if (s === undefined) counts.lost++;
      else counts.waiting++;
    }
    const jobs: QueueJobView[] = rows.map((r) => {
      const jobId = jobIdOf(folder, r.id);
      const f = fields.get(jobId);
      let state: QueueJobState = r.state === 'queued' ? 'waiting' : r.state;
      if (r.state === 'queued') {
        const s = states.get(r.id);
        state = s === 'active' ? 'active' : s === 'completed' ? 'finished' : s === 'failed' ? 'failed' : s === 'delayed' ? 'retrying' : s === undefined ? 'lost' : 'waiting';
      }
      return {
        id: r.id,
        jobId,
        sessionId: r.sessionId,
        state,
        worker: r.worker ?? (state === 'active' || state === 'finished' || state === 'failed' ? (f?.worker ?? null) : null),
        percent: state === 'done' || state === 'finished' ? 100 : state === 'active' ? (f?.percent ?? 0) : null,
        attempts: f?.attempts ?? 0,
        ...(r.error !== null ? viewReason(r.error) : viewReason(state === 'failed' || state === 'retrying' ? (f?.error ?? null) : null, true)),
        runId: r.runId,
        via: r.via,
        submittedAt: r.submittedAt,
        finishedAt: r.finishedAt,
      };
    });
    const online = new Set<string>();
    for (const w of await conn.queue.getWorkers()) {
      const raw = (w.rawname ?? w.name ?? '') as string;
      const at = raw.indexOf(':w:');
      if (at >= 0) online.add(raw.slice(at + 3));
    }
    const workers = new Map<string, QueueWorkerView>();
    const worker = (name: string): QueueWorkerView => {
      let w = workers.get(name);
      if (!w) workers.set(name, (w = { name, online: online.has(name), active: 0, done: 0, failed: 0 }));
      return w;
    };
    for (const name of online) worker(name);
    for (const p of perWorker) Object.assign(worker(p.worker), { done: p.done, failed: p.failed });
    for (const j of jobs) if (j.state === 'active' && j.worker) worker(j.worker).active++;
    return { connection, error: null, errorNote: null, counts, workers: [...workers.values()].sort((a, b) => a.name.localeCompare(b.name)), jobs };
  }

  /**
   * Stores every finished result of this folder (each at most once), records failed jobs with their reasons, and
   * removes from Redis what is settled: stored results and jobs of sessions deleted here.
   */
  async collect(hooks: CollectHooks): Promise<{ stored: Array<{ row: QueueJobRow; run: AnalysisRun; worker: string }>; failed: Array<{ row: QueueJobRow; error: Note }> }> {
    const { queue } = this.need();
    const states = await this.redisStates(queue);
    const stored: Array<{ row: QueueJobRow; run: AnalysisRun; worker: string }> = [];
    const failed: Array<{ row: QueueJobRow; error: Note }> = [];
    for (const [localId, state] of states) await this.settle(localId, state, hooks, stored, failed);
    return { stored, failed };
  }

  /** One job of this folder in its Redis state: stored, recorded as failed, removed, or left as it is. */
  private async settle(
    localId: number,
    state: (typeof JOB_STATES)[number],
    hooks: CollectHooks,
    stored: Array<{ row: QueueJobRow; run: AnalysisRun; worker: string }>,
    failed: Array<{ row: QueueJobRow; error: Note }>,
  ): Promise<void> {
    const { queue, redis, bull } = this.need();
    const folder = this.folderId();
    const jobId = jobIdOf(folder, localId);
    const row = this.d.jobs.find(localId);
    if (!row) {
      // The session was deleted here: nothing of it stays in the queue (an inline job holds the clip itself).
      if (state !== 'active') await queue.remove(jobId).catch(() => undefined);
      return;
    }
    if (state === 'completed') {
      if (row.state !== 'queued') {
        await queue.remove(jobId).catch(() => undefined); // a second delivery of a result already stored
        return;
      }
      const job = await bull.Job.fromId(queue, jobId);
      if (!job) return;
      const r = await this.importResult(row, jobId, job.returnvalue, job.processedBy ?? null, hooks);
      if ('run' in r) stored.push({ row, run: r.run, worker: r.worker });
      else if ('error' in r) failed.push({ row, error: r.error });
      await queue.remove(jobId).catch(() => undefined);
    } else if ((state === 'waiting' || state === 'prioritized' || state === 'delayed') && row.state === 'queued') {
      // Consent withdrawn while the job waits: it is taken out of the queue before any worker analyses the clip
      // (an inline job holds the clip itself). A job a worker has already taken is refused when it comes back.
      const consent = hooks.refusal(row.sessionId);
      if (!consent) return;
      const removed = await queue.remove(jobId).catch(() => 0);
      if (!removed) return;
      const error = nestNote('labJob.notAnalysed', {}, 'refusal', consent);
      this.d.db.transaction(() => {
        if (this.d.jobs.markFailed(row.id, storedReason(error), null)) hooks.failed(row, error);
      })();
      failed.push({ row, error });
    } else if (state === 'failed' && row.state === 'queued') {
      const f = (await this.jobFields(redis, queue, [jobId])).get(jobId);
      // From another machine: only a worker's own notes are taken as notes (job-failure.ts).
      const error = reasonFromRedis(f?.error);
      this.d.db.transaction(() => {
        if (this.d.jobs.markFailed(row.id, storedReason(error), f?.worker ?? null)) hooks.failed(row, error);
      })();
      failed.push({ row, error });
    }
  }

  /**
   * One job's outcome, as collect() settles it (the same consent checks): 'stored' with its run, 'failed' with
   * the reason, or still 'pending' with its progress (0..100, null before a worker took it).
   */
  async collectJob(localId: number, hooks: CollectHooks): Promise<{ stored: AnalysisRun } | { failed: Note } | { pending: number | null }> {
    const { queue, redis } = this.need();
    const jobId = jobIdOf(this.folderId(), localId);
    const state = await within(queue.getJobState(jobId), STATUS_TIMEOUT_MS, 'The lab queue');
    const known = (JOB_STATES as readonly string[]).includes(state) ? (state as (typeof JOB_STATES)[number]) : null;
    if (known) await this.settle(localId, known, hooks, [], []);
    const row = this.d.jobs.find(localId);
    if (!row) return { failed: note('labJob.notListed') };
    if (row.state === 'done' && row.runId !== null) return { stored: this.d.recorder.runs.get(row.runId) };
    if (row.state === 'failed') return { failed: failureOf(row.error) };
    if (!known) return { failed: note('labJob.removedFromQueue') };
    if (known !== 'active') return { pending: null };
    return { pending: (await this.jobFields(redis, queue, [jobId])).get(jobId)?.percent ?? 0 };
  }

  /** This folder's job for the session (and media file) still waiting for its result, or null. */
  pendingJob(sessionId: number, mediaFileId: number | null): QueueJobRow | null {
    return this.d.jobs.list({ state: 'queued' }).find((r) => r.sessionId === sessionId && (mediaFileId === null || r.mediaFileId === mediaFileId)) ?? null;
  }

  /**
   * Takes a job back before a worker has it: removed from Redis and recorded as failed with `why`. False when a
   * worker already has it (its result is then stored when it comes back, as any other).
   */
  async withdraw(localId: number, why: Note): Promise<boolean> {
    const { queue } = this.need();
    const removed = await within(queue.remove(jobIdOf(this.folderId(), localId)), STATUS_TIMEOUT_MS, 'The lab queue').catch(() => 0);
    if (!removed) return false;
    this.d.jobs.markFailed(localId, storedReason(why), null);
    return true;
  }

  /**
   * Stores one job's result bundle unless the job is already settled: 'run' when stored now, 'duplicate' when it
   * was stored before (a job delivered twice is stored once), 'error' when the bundle was refused.
   */
  async importResult(row: QueueJobRow, jobId: string, wire: unknown, processedBy: string | null, hooks: CollectHooks): Promise<{ run: AnalysisRun; worker: string } | { duplicate: true } | { error: Note }> {
    if (this.d.jobs.find(row.id)?.state !== 'queued') return { duplicate: true };
    const refuse = (error: Note): { error: Note } => {
      this.d.db.transaction(() => {
        if (this.d.jobs.markFailed(row.id, storedReason(error), processedBy)) hooks.failed(row, error);
      })();
      return { error };
    };
    const refusedBecause = (why: Note): { error: Note } => refuse(nestNote('labJob.resultRefused', {}, 'reason', why));
    let bundle;
    try {
      bundle = await decodeBundle(wire);
    } catch (e) {
      if (e instanceof BundleError) return refuse(note('labJob.resultRefused', { reason: shortValue(e.message) }));
      throw e;
    }
    const models = JSON.parse(row.models) as JobModel[];
    const why = bundleMismatch(bundle, { jobId, folder: this.folderId(), sessionId: row.sessionId, mediaFileId: row.mediaFileId, clipSha256: row.clipSha256, models }, this.d.version);
    if (why) return refusedBecause(why);
    if (bundle.schemaVersion !== schemaVersion(this.d.db)) return refusedBecause(note('labJob.result.otherSchema', { theirs: bundle.schemaVersion, ours: schemaVersion(this.d.db) }));
    const consent = hooks.refusal(row.sessionId);
    if (consent) return refuse(nestNote('labJob.notStored', {}, 'refusal', consent));
    const worker = bundle.worker.name;
    const run = this.d.db.transaction((): AnalysisRun | null => {
      const now = this.d.jobs.find(row.id);
      if (!now || now.state !== 'queued') return null;
      const r = storeBundle(this.d, bundle);
      this.d.jobs.markDone(row.id, r.id, worker);
      hooks.stored(row, r);
      return r;
    })();
    return run ? { run, worker } : { duplicate: true };
  }

  async close(): Promise<void> {
    await this.disconnect();
  }
}

export const DEFAULT_QUEUE = { queue: QUEUE_NAME, inlineMaxBytes: DEFAULT_INLINE_MAX_BYTES, retry: DEFAULT_RETRY };
