import { DEFAULT_VOCABULARY } from '../../../../src-shared/labels/vocabulary.js';
import type { Migration } from './types.js';

/**
 * Labelling (issue 6). The controlled vocabulary belongs to the project, i.e. the data folder: one list,
 * in the order its number keys choose. One tier per rater per session; a tier's segments never overlap
 * (checked by the store on every change, src-shared/labels/segments.ts). Segment ids (`uid`) are made by the
 * editor and kept through undo/redo. Undo history itself is not stored: every change, with the segments
 * before and after, is in audit_log.
 */
export const migration007: Migration = {
  version: 7,
  name: 'labels: vocabulary, tiers, segments',
  up(db) {
    db.exec(`
      CREATE TABLE label_vocabulary (
        position INTEGER PRIMARY KEY,
        value TEXT NOT NULL UNIQUE COLLATE NOCASE
      );
      CREATE TABLE label_tier (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
        rater TEXT NOT NULL COLLATE NOCASE,
        created_at TEXT NOT NULL,
        UNIQUE (session_id, rater)
      );
      CREATE TABLE label_segment (
        id INTEGER PRIMARY KEY,
        tier_id INTEGER NOT NULL REFERENCES label_tier(id) ON DELETE CASCADE,
        uid TEXT NOT NULL UNIQUE,
        start_ms INTEGER NOT NULL CHECK (start_ms >= 0),
        end_ms INTEGER NOT NULL CHECK (end_ms > start_ms),
        label TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX label_segment_tier ON label_segment(tier_id, start_ms);
    `);
    const insert = db.prepare('INSERT INTO label_vocabulary (position, value) VALUES (?, ?)');
    DEFAULT_VOCABULARY.forEach((v, i) => insert.run(i, v));
  },
};
