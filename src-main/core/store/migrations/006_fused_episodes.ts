import type { Migration } from './types.js';

/**
 * Fused timeline rows and sustained-emotion episodes per analysis run, and what an offline run needs to be
 * resumed (per-modality progress, the media duration it covers).
 *
 * fused: one row per grid step. p_* are NULL where there is no estimate (neither modality reliable).
 * face_state: 0 no participant face at this step, 1 face that failed the quality checks, 2 reliable face.
 * speech: NULL when no voice window covers the step. face_obs_id / voice_t_ms name the observations the
 * step was aligned with: face_obs.id and the voice window's start (voice_obs key run_id + t_ms); kept even when
 * unreliable, so exports can show them. No foreign keys: the observation tables belong to the run's own cascade.
 */
export const migration006: Migration = {
  version: 6,
  name: 'fused timeline, episodes, resumable runs',
  up(db) {
    db.exec(`
      CREATE TABLE fused (
        run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
        t_ms REAL NOT NULL,
        p_neutral REAL, p_happy REAL, p_sad REAL, p_surprise REAL, p_fear REAL, p_disgust REAL, p_angry REAL,
        dominant TEXT,
        valence REAL,
        arousal REAL,
        face_weight REAL NOT NULL DEFAULT 0,
        voice_weight REAL NOT NULL DEFAULT 0,
        face_state INTEGER NOT NULL DEFAULT 0 CHECK (face_state IN (0, 1, 2)),
        speech INTEGER CHECK (speech IN (0, 1)),
        face_obs_id INTEGER,
        voice_t_ms REAL,
        PRIMARY KEY (run_id, t_ms)
      ) WITHOUT ROWID;
      CREATE TABLE episode (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
        emotion TEXT NOT NULL,
        start_ms REAL NOT NULL,
        end_ms REAL NOT NULL,
        duration_ms REAL NOT NULL,
        mean_prob REAL NOT NULL,
        peak_prob REAL NOT NULL
      );
      CREATE INDEX episode_run ON episode(run_id, start_ms);
      ALTER TABLE analysis_run ADD COLUMN media_duration_ms REAL;
      ALTER TABLE analysis_run ADD COLUMN face_progress_ms REAL;
      ALTER TABLE analysis_run ADD COLUMN voice_progress_ms REAL;
    `);
  },
};
