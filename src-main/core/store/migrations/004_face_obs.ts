import type { Migration } from './types.js';

/**
 * Face analysis results per analysis run. face_frame has one row per analysed frame (also those without a
 * face), so coverage ("how much of the session had a reliable estimate") is a count, not a guess.
 * face_obs has one row per face per frame: box as fractions of the analysed frame, quality, and the seven
 * probabilities in canonical order (neutral, happy, sad, surprise, fear, disgust, angry).
 */
export const migration004: Migration = {
  version: 4,
  name: 'face observations',
  up(db) {
    db.exec(`
      CREATE TABLE face_frame (
        run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
        t_ms REAL NOT NULL,
        frame_w INTEGER NOT NULL,
        frame_h INTEGER NOT NULL,
        face_count INTEGER NOT NULL,
        PRIMARY KEY (run_id, t_ms)
      ) WITHOUT ROWID;
      CREATE TABLE face_obs (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
        t_ms REAL NOT NULL,
        track_id INTEGER NOT NULL,
        participant INTEGER NOT NULL CHECK (participant IN (0, 1)),
        box_x REAL NOT NULL,
        box_y REAL NOT NULL,
        box_w REAL NOT NULL,
        box_h REAL NOT NULL,
        det_score REAL NOT NULL,
        size_px REAL NOT NULL,
        roll_deg REAL NOT NULL,
        sharpness REAL NOT NULL,
        reliable INTEGER NOT NULL CHECK (reliable IN (0, 1)),
        unreliable_reasons TEXT NOT NULL DEFAULT '',
        p_neutral REAL NOT NULL,
        p_happy REAL NOT NULL,
        p_sad REAL NOT NULL,
        p_surprise REAL NOT NULL,
        p_fear REAL NOT NULL,
        p_disgust REAL NOT NULL,
        p_angry REAL NOT NULL
      );
      CREATE INDEX face_obs_run_t ON face_obs(run_id, t_ms);
      CREATE INDEX face_obs_run_track ON face_obs(run_id, track_id, t_ms);
    `);
  },
};
