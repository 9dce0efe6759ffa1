import type { Migration } from './types.js';

/**
 * Contempt, the eighth canonical class (src-shared/emotions.ts): a probability column in the three tables that
 * hold per-class probabilities. NULL where the model gave no contempt (every earlier row, seven-class face models,
 * the voice models) or, in fused, where no contributing modality had it; never 0 for "not given".
 */
export const migration012: Migration = {
  version: 12,
  name: 'contempt probability columns',
  up(db) {
    db.exec(`
      ALTER TABLE face_obs ADD COLUMN p_contempt REAL;
      ALTER TABLE voice_obs ADD COLUMN p_contempt REAL;
      ALTER TABLE fused ADD COLUMN p_contempt REAL;
    `);
  },
};
