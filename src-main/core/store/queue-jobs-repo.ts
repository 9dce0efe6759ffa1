import { ApiError } from '../../../src-shared/errors.js';
import type { Db } from './database.js';
import { nowIso } from './time.js';

export type QueueJobState = 'queued' | 'done' | 'failed';

export interface QueueJobRow {
  id: number;
  sessionId: number;
  mediaFileId: number;
  /** The queue it went to: the Redis URL without password, and the queue's name. */
  queue: string;
  state: QueueJobState;
  clipSha256: string;
  /** The models the job asked for (JSON of JobModel[]). */
  models: string;
  via: 'share' | 'inline';
  submittedBy: number | null;
  submittedAt: string;
  worker: string | null;
  runId: number | null;
  error: string | null;
  finishedAt: string | null;
}

interface Row {
  id: number;
  session_id: number;
  media_file_id: number;
  queue: string;
  state: QueueJobState;
  clip_sha256: string;
  models: string;
  via: 'share' | 'inline';
  submitted_by: number | null;
  submitted_at: string;
  worker: string | null;
  run_id: number | null;
  error: string | null;
  finished_at: string | null;
}

const toJob = (r: Row): QueueJobRow => ({
  id: r.id,
  sessionId: r.session_id,
  mediaFileId: r.media_file_id,
  queue: r.queue,
  state: r.state,
  clipSha256: r.clip_sha256,
  models: r.models,
  via: r.via,
  submittedBy: r.submitted_by,
  submittedAt: r.submitted_at,
  worker: r.worker,
  runId: r.run_id,
  error: r.error,
  finishedAt: r.finished_at,
});

/** queue_job rows: the jobs this data folder sent to lab workers and what became of them. */
export class QueueJobsRepo {
  constructor(private readonly db: Db) {}

  /** A new row (its id, never reused, goes into the job's id). */
  create(j: { sessionId: number; mediaFileId: number; queue: string; clipSha256: string; models: string; via: 'share' | 'inline'; submittedBy: number | null }): QueueJobRow {
    const info = this.db
      .prepare(
        `INSERT INTO queue_job (session_id, media_file_id, queue, clip_sha256, models, via, submitted_by, submitted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(j.sessionId, j.mediaFileId, j.queue, j.clipSha256, j.models, j.via, j.submittedBy, nowIso());
    return this.get(Number(info.lastInsertRowid));
  }

  get(id: number): QueueJobRow {
    const r = this.db.prepare('SELECT * FROM queue_job WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw new ApiError('not_found', `Queue job ${id} does not exist`);
    return toJob(r);
  }

  find(id: number): QueueJobRow | null {
    const r = this.db.prepare('SELECT * FROM queue_job WHERE id = ?').get(id) as Row | undefined;
    return r ? toJob(r) : null;
  }

  /** Newest first; `limit` rows at most. */
  list(opts: { state?: QueueJobState; limit?: number } = {}): QueueJobRow[] {
    const rows = opts.state
      ? (this.db.prepare('SELECT * FROM queue_job WHERE state = ? ORDER BY id DESC LIMIT ?').all(opts.state, opts.limit ?? -1) as Row[])
      : (this.db.prepare('SELECT * FROM queue_job ORDER BY id DESC LIMIT ?').all(opts.limit ?? -1) as Row[]);
    return rows.map(toJob);
  }

  counts(): Record<QueueJobState, number> {
    const out: Record<QueueJobState, number> = { queued: 0, done: 0, failed: 0 };
    for (const r of this.db.prepare('SELECT state, COUNT(*) AS n FROM queue_job GROUP BY state').all() as { state: QueueJobState; n: number }[]) out[r.state] = r.n;
    return out;
  }

  /** Done and failed jobs per worker. */
  perWorker(): Array<{ worker: string; done: number; failed: number }> {
    return this.db
      .prepare(
        `SELECT worker, SUM(state = 'done') AS done, SUM(state = 'failed') AS failed FROM queue_job
         WHERE worker IS NOT NULL GROUP BY worker ORDER BY worker`,
      )
      .all() as Array<{ worker: string; done: number; failed: number }>;
  }

  /** Marks a queued job done with its stored run; false (and nothing changed) when it was no longer queued. */
  markDone(id: number, runId: number, worker: string): boolean {
    return this.db.prepare("UPDATE queue_job SET state = 'done', run_id = ?, worker = ?, error = NULL, finished_at = ? WHERE id = ? AND state = 'queued'").run(runId, worker, nowIso(), id).changes === 1;
  }

  markFailed(id: number, error: string, worker: string | null): boolean {
    return this.db.prepare("UPDATE queue_job SET state = 'failed', error = ?, worker = ?, finished_at = ? WHERE id = ? AND state = 'queued'").run(error, worker, nowIso(), id).changes === 1;
  }

  /** A failed job sent again: queued, its reason and worker cleared. */
  requeue(id: number): void {
    this.db.prepare("UPDATE queue_job SET state = 'queued', error = NULL, worker = NULL, finished_at = NULL WHERE id = ? AND state = 'failed'").run(id);
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM queue_job WHERE id = ?').run(id);
  }
}
