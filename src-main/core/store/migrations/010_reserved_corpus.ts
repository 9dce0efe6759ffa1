import type { Migration } from './types.js';

/**
 * Placeholder for schema step 10, which the lead assigned to the corpus branch (#19). Versions must be contiguous
 * (see migrate()), so this branch keeps the slot with a step that changes nothing. When merging with #19, delete
 * this file and use its 010 in its place; it must never ship, since a data folder past 10 would skip the real one.
 */
export const migration010: Migration = {
  version: 10,
  name: 'reserved (corpus, #19)',
  up() {},
};
