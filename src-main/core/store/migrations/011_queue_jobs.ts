import type { Migration } from './types.js';

/**
 * Analysis jobs this data folder sent to lab workers (issue 23): one row per job, so results coming back are
 * stored exactly once (run_id is set in the same transaction that stores the run) and the queue panel can say
 * what happened to each. The row holds what the job carried that the result must match (the clip's sha256, the
 * models) and never the clip's name. Its id is part of the job's id in Redis (with the folder's random id), and
 * AUTOINCREMENT keeps ids from being reused after rows are deleted, so a late result never lands on another job. Deleting the session deletes its jobs' rows; a result that arrives for a
 * row that is gone is dropped.
 */
export const migration011: Migration = {
  version: 11,
  name: 'queue jobs',
  up(db) {
    db.exec(`
      CREATE TABLE queue_job (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
        media_file_id INTEGER NOT NULL REFERENCES media_file(id) ON DELETE CASCADE,
        queue TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','done','failed')),
        clip_sha256 TEXT NOT NULL,
        models TEXT NOT NULL,
        via TEXT NOT NULL CHECK (via IN ('share','inline')),
        submitted_by INTEGER REFERENCES operator(id) ON DELETE SET NULL,
        submitted_at TEXT NOT NULL,
        worker TEXT,
        run_id INTEGER REFERENCES analysis_run(id) ON DELETE SET NULL,
        error TEXT,
        finished_at TEXT
      );
      CREATE INDEX queue_job_state ON queue_job(state, id);
      CREATE INDEX queue_job_session ON queue_job(session_id);
    `);
  },
};
