import type { Migration } from './types.js';

/**
 * One row per analysis of a media file (live or offline). Observation tables hang off it, so re-analysing
 * with other models adds a run and never overwrites an earlier one.
 */
export const migration003: Migration = {
  version: 3,
  name: 'analysis runs',
  up(db) {
    db.exec(`
      CREATE TABLE analysis_run (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
        media_file_id INTEGER REFERENCES media_file(id) ON DELETE SET NULL,
        mode TEXT NOT NULL CHECK (mode IN ('live','offline')),
        status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running','complete','incomplete','failed')),
        provider TEXT,
        provider_detail TEXT,
        models TEXT NOT NULL DEFAULT '[]',
        params TEXT NOT NULL DEFAULT '{}',
        software_version TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        progress_ms REAL NOT NULL DEFAULT 0,
        error TEXT
      );
      CREATE INDEX analysis_run_session ON analysis_run(session_id);
    `);
  },
};
