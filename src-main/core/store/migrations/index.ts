import { migration001 } from './001_initial.js';
import { migration002 } from './002_media.js';
import { migration003 } from './003_analysis_run.js';
import type { Migration } from './types.js';

/** All schema steps in order. Add a line per new migration; never edit one that has shipped. */
export const migrations: readonly Migration[] = [migration001, migration002, migration003];

export type { Migration } from './types.js';
