import type { Migration } from './types.js';

/** Media files per session (recordings and, later, imported clips) and why a session was recovered. */
export const migration002: Migration = {
  version: 2,
  name: 'media files, session status detail',
  up(db) {
    db.exec(`
      CREATE TABLE media_file (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('recording','import')),
        file_name TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        bytes INTEGER NOT NULL DEFAULT 0,
        duration_ms REAL,
        has_video INTEGER NOT NULL DEFAULT 0,
        has_audio INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        UNIQUE (session_id, file_name)
      );
      ALTER TABLE session ADD COLUMN status_detail TEXT;
    `);
  },
};
