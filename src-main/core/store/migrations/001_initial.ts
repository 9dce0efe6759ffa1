import type { Migration } from './types.js';

export const migration001: Migration = {
  version: 1,
  name: 'participants, sessions, audit log, settings',
  up(db) {
    db.exec(`
      CREATE TABLE participant (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL
      );
      CREATE TABLE session (
        id INTEGER PRIMARY KEY,
        participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE RESTRICT,
        protocol TEXT NOT NULL,
        operator TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'created'
          CHECK (status IN ('created','recording','completed','recovered','failed')),
        created_at TEXT NOT NULL,
        started_at TEXT,
        ended_at TEXT,
        duration_ms REAL
      );
      CREATE INDEX session_participant ON session(participant_id);
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id INTEGER,
        detail TEXT
      );
      CREATE TABLE setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
};
