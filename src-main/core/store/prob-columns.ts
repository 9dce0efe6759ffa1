import { EMOTIONS, type Emotion } from '../../../src-shared/emotions.js';

export type ProbColumn = `p_${Emotion}`;

/**
 * The per-class probability columns of face_obs, voice_obs and fused, in canonical order: the one place the
 * list is built. Migrations spell their columns out instead, since a migration must never change.
 */
export const P_COLUMNS: readonly ProbColumn[] = EMOTIONS.map((e) => `p_${e}` as const);

/** The same columns with a prefix: a table alias (`fo.p_happy`) or a CSV column family (`face_p_happy`). */
export const prefixed = (prefix: string): string[] => P_COLUMNS.map((c) => `${prefix}${c}`);
