import type { Migration } from './types.js';

const MFCC = Array.from({ length: 13 }, (_, i) => i + 1);

/**
 * Voice analysis results per analysis run: one row per window (2 s every 0.5 s by default), also those without
 * speech, so speech coverage is a count. Features are the eGeMAPS-style functionals of docs/voice-features.md
 * (NULL where not measurable, e.g. F0 without voiced frames); class probabilities are in canonical order with the
 * model's calm kept separately (already included in p_neutral); they, valence and arousal are NULL for windows
 * without speech.
 */
export const migration005: Migration = {
  version: 5,
  name: 'voice observations',
  up(db) {
    db.exec(`
      CREATE TABLE voice_obs (
        run_id INTEGER NOT NULL REFERENCES analysis_run(id) ON DELETE CASCADE,
        t_ms REAL NOT NULL,
        dur_ms REAL NOT NULL,
        speech INTEGER NOT NULL CHECK (speech IN (0, 1)),
        speech_prob REAL NOT NULL,
        speech_ratio REAL NOT NULL,
        f0_mean_hz REAL,
        f0_sd_st REAL,
        f0_range_st REAL,
        loudness_mean REAL,
        loudness_sd REAL,
        jitter_local REAL,
        shimmer_local_db REAL,
        hnr_db REAL,
        alpha_ratio_db REAL,
        hammarberg_db REAL,
        slope_0_500 REAL,
        slope_500_1500 REAL,
        ${MFCC.map((i) => `mfcc${i}_mean REAL,`).join('\n        ')}
        ${MFCC.map((i) => `mfcc${i}_sd REAL,`).join('\n        ')}
        voiced_ratio REAL,
        voiced_segments_per_sec REAL,
        p_neutral REAL,
        p_happy REAL,
        p_sad REAL,
        p_surprise REAL,
        p_fear REAL,
        p_disgust REAL,
        p_angry REAL,
        p_calm REAL,
        valence REAL,
        arousal REAL,
        PRIMARY KEY (run_id, t_ms)
      ) WITHOUT ROWID;
    `);
  },
};
