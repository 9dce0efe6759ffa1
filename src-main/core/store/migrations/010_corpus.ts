import type { Migration } from './types.js';

/**
 * Researchers' corpus workflow (issue 19).
 *
 * media_file: whether the app can play a file (`playable`: 1 yes, 0 no, NULL not checked: files from before),
 * which file a playable copy was made from (`derived_from`), and the SHA-256 of that original
 * (`source_sha256`), kept on the copy even when the original itself is not kept.
 *
 * session.recording_stats: what the camera delivered while recording (frames received and expected, dropped
 * frames, longest gap; JSON, numbers only).
 *
 * batch and batch_item: the persistent work queue of the Sessions view (importing clips, analysing and
 * exporting sessions in bulk). It survives a restart: an item remembers its state, session and run, and
 * resumes there. What the queue says about an item (why it failed, a warning) is kept in `notes` as catalogue
 * entries with their values (JSON), so the interface words them in the language it shows. An import item keeps the clip's name as it was picked (`label`, a path inside the picked
 * folder) so the queue can say which clip failed; it is deleted with the queue entry (cleared by the user,
 * or with the session or participant it belongs to), and is never copied into a session, a file name or the
 * audit trail.
 */
export const migration010: Migration = {
  version: 10,
  name: 'playable copies, recording statistics, work queue',
  up(db) {
    db.exec(`
      ALTER TABLE media_file ADD COLUMN playable INTEGER CHECK (playable IN (0, 1));
      ALTER TABLE media_file ADD COLUMN derived_from INTEGER REFERENCES media_file(id) ON DELETE SET NULL;
      ALTER TABLE media_file ADD COLUMN source_sha256 TEXT;
      ALTER TABLE session ADD COLUMN recording_stats TEXT;

      CREATE TABLE batch (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('import','analyse','export')),
        executor TEXT NOT NULL,
        operator_id INTEGER REFERENCES operator(id) ON DELETE SET NULL,
        participant_id INTEGER REFERENCES participant(id) ON DELETE CASCADE,
        protocol TEXT,
        options TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
      );
      CREATE TABLE batch_item (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES batch(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        label TEXT,
        bytes INTEGER,
        state TEXT NOT NULL CHECK (state IN ('waiting','queued','importing','converting','analysing','exporting','done','failed','cancelled')),
        fraction REAL NOT NULL DEFAULT 0,
        notes TEXT,
        session_id INTEGER REFERENCES session(id) ON DELETE CASCADE,
        media_file_id INTEGER REFERENCES media_file(id) ON DELETE SET NULL,
        run_id INTEGER REFERENCES analysis_run(id) ON DELETE SET NULL,
        sha256 TEXT,
        duration_ms REAL,
        started_at TEXT,
        finished_at TEXT,
        UNIQUE (batch_id, seq)
      );
      CREATE INDEX batch_item_state ON batch_item(state);
      CREATE INDEX batch_item_session ON batch_item(session_id);
    `);
  },
};
