import type { Migration } from './types.js';

/**
 * Data governance (issue 17): named operator profiles instead of free-text operators, versioned consent per
 * participant, which media a session keeps, and a content hash instead of an original file name for imports.
 *
 * Existing sessions' free-text operators become operator profiles (role clinician; an admin can change it), so
 * history keeps who recorded what. Existing participants get no consent record: they show as "consent not
 * recorded" and must be updated before new recording. Notes and status texts the command line used to write
 * with an imported clip's original file name are cleared (names and birth dates often travel in file names).
 * pending_file_removal lists folders a committed deletion has still to remove (finished at the next start).
 */
export const migration008: Migration = {
  version: 8,
  name: 'operators, consent, kept media, content hashes',
  up(db) {
    db.exec(`
      CREATE TABLE operator (
        id INTEGER PRIMARY KEY,
        display_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('clinician','researcher','admin')),
        created_at TEXT NOT NULL
      );
      ALTER TABLE session ADD COLUMN operator_id INTEGER REFERENCES operator(id) ON DELETE RESTRICT;
      ALTER TABLE session ADD COLUMN keep_video INTEGER CHECK (keep_video IN (0, 1));
      ALTER TABLE session ADD COLUMN keep_audio INTEGER CHECK (keep_audio IN (0, 1));
      ALTER TABLE media_file ADD COLUMN sha256 TEXT;

      INSERT OR IGNORE INTO operator (display_name, role, created_at)
        SELECT trim(operator), 'clinician', MIN(created_at) FROM session WHERE trim(operator) <> '' GROUP BY trim(operator) COLLATE NOCASE;
      UPDATE session SET operator_id = (SELECT o.id FROM operator o WHERE o.display_name = trim(session.operator) COLLATE NOCASE)
        WHERE trim(operator) <> '';
      UPDATE session SET operator = '';
      UPDATE session SET note = '' WHERE protocol = 'import' AND note LIKE 'Imported from %';
      UPDATE session SET status_detail = 'Imported clip' WHERE status_detail LIKE 'Imported clip %';

      CREATE TABLE consent_record (
        id INTEGER PRIMARY KEY,
        participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
        version INTEGER NOT NULL CHECK (version >= 1),
        kind TEXT NOT NULL CHECK (kind IN ('given','withdrawn')),
        video INTEGER NOT NULL CHECK (video IN (0, 1)),
        audio INTEGER NOT NULL CHECK (audio IN (0, 1)),
        analysis INTEGER NOT NULL CHECK (analysis IN (0, 1)),
        research INTEGER NOT NULL CHECK (research IN (0, 1)),
        taken_by INTEGER REFERENCES operator(id) ON DELETE RESTRICT,
        taken_on TEXT NOT NULL,
        form_ref TEXT NOT NULL DEFAULT '',
        retain_until TEXT,
        recorded_at TEXT NOT NULL,
        recorded_by INTEGER REFERENCES operator(id) ON DELETE RESTRICT,
        UNIQUE (participant_id, version)
      );
      CREATE TABLE pending_file_removal (
        rel_path TEXT PRIMARY KEY
      );
      CREATE TRIGGER consent_record_never_edited BEFORE UPDATE ON consent_record
        BEGIN SELECT RAISE(ABORT, 'consent records are never edited: record a new version or a withdrawal'); END;
    `);
  },
};
