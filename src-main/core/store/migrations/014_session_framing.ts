import type { Migration } from './types.js';

/**
 * Framing guidance (issue 22): per session, how long the camera preview judged the framing while recording
 * and how long each check failed (face present, size, centring, brightness, contrast, sharpness). One row
 * per session, replaced by each report (the renderer sends cumulative totals).
 */
export const migration014: Migration = {
  version: 14,
  name: 'session framing: time each framing check failed while recording',
  up(db) {
    db.exec(`
      CREATE TABLE session_framing (
        session_id INTEGER PRIMARY KEY REFERENCES session(id) ON DELETE CASCADE,
        total_ms REAL NOT NULL CHECK (total_ms >= 0),
        present_failed_ms REAL NOT NULL CHECK (present_failed_ms >= 0),
        size_failed_ms REAL NOT NULL CHECK (size_failed_ms >= 0),
        centring_failed_ms REAL NOT NULL CHECK (centring_failed_ms >= 0),
        brightness_failed_ms REAL NOT NULL CHECK (brightness_failed_ms >= 0),
        contrast_failed_ms REAL NOT NULL CHECK (contrast_failed_ms >= 0),
        sharpness_failed_ms REAL NOT NULL CHECK (sharpness_failed_ms >= 0),
        updated_at TEXT NOT NULL
      );
    `);
  },
};
