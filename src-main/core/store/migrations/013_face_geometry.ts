import type { Migration } from './types.js';

/**
 * Face geometry per face observation (issue 21): head pose in degrees, eye aspect ratios, the blink flag and the
 * geometric AU estimates (0–1, not FACS-coded; models/MODEL_CARD.md). `landmarks` holds the mesh's 468 points as
 * float32 little-endian x, y, z in fractions of the analysed frame (x and z of its width, y of its height, like
 * face_obs.box_*), only for runs that asked to keep them (5.6 kB per observation). A separate table, so face_obs stays as it was and runs
 * without the mesh cost nothing.
 */
export const migration013: Migration = {
  version: 13,
  name: 'face geometry',
  up(db) {
    db.exec(`
      CREATE TABLE face_geometry (
        obs_id INTEGER PRIMARY KEY REFERENCES face_obs(id) ON DELETE CASCADE,
        run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
        t_ms REAL NOT NULL,
        head_yaw_deg REAL NOT NULL,
        head_pitch_deg REAL NOT NULL,
        head_roll_deg REAL NOT NULL,
        eye_open_left REAL NOT NULL,
        eye_open_right REAL NOT NULL,
        blink INTEGER NOT NULL CHECK (blink IN (0, 1)),
        au01_02 REAL NOT NULL,
        au04 REAL NOT NULL,
        au06_12 REAL NOT NULL,
        au15 REAL NOT NULL,
        au20 REAL NOT NULL,
        au25 REAL NOT NULL,
        au26 REAL NOT NULL,
        au43 REAL NOT NULL,
        landmarks BLOB
      );
      CREATE INDEX face_geometry_run_t ON face_geometry(run_id, t_ms);
    `);
  },
};
