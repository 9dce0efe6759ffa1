import { type AuditRow, canonicalJson, entryHash, GENESIS_HASH } from '../audit-chain.js';
import type { Migration } from './types.js';

interface LegacyRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: number | null;
  detail: string | null;
}

/** Only numbers, booleans and lists of numbers survive from an old entry's detail: no notes, labels or file names. */
function idsOnly(detail: string | null): Record<string, unknown> {
  if (!detail) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) out[k] = v;
  }
  return out;
}

/**
 * The audit log becomes an append-only, hash-chained trail that refers to ids only (issue 17). Old entries are
 * carried over in order with their free text removed: the actor becomes the operator profile of that name
 * (none for "operator", "system" and unknown names), notes, label texts and file names are dropped. The old
 * table is dropped; with secure_delete on, its text is overwritten.
 */
export const migration009: Migration = {
  version: 9,
  name: 'hash-chained audit trail',
  up(db) {
    db.exec(`
      ALTER TABLE audit_log RENAME TO audit_log_legacy;
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        operator_id INTEGER,
        action TEXT NOT NULL,
        participant_id INTEGER,
        session_id INTEGER,
        object TEXT,
        object_id INTEGER,
        detail TEXT NOT NULL DEFAULT '{}',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_log_operator ON audit_log(operator_id, id);
      CREATE INDEX audit_log_participant ON audit_log(participant_id, id);
      CREATE INDEX audit_log_session ON audit_log(session_id, id);
      CREATE INDEX audit_log_at ON audit_log(at);
      CREATE TABLE audit_head (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        last_id INTEGER NOT NULL,
        last_hash TEXT NOT NULL
      );
    `);
    const operatorOf = db.prepare('SELECT id FROM operator WHERE display_name = ? COLLATE NOCASE');
    const participantOfSession = db.prepare('SELECT participant_id FROM session WHERE id = ?');
    const insert = db.prepare(
      `INSERT INTO audit_log (id, at, operator_id, action, participant_id, session_id, object, object_id, detail, prev_hash, hash)
       VALUES (@id, @at, @operator_id, @action, @participant_id, @session_id, @object, @object_id, @detail, @prev_hash, @hash)`,
    );
    let prev = GENESIS_HASH;
    let id = 0;
    for (const old of db.prepare('SELECT * FROM audit_log_legacy ORDER BY id').all() as LegacyRow[]) {
      const detail = idsOnly(old.detail);
      const op = operatorOf.get(old.actor.trim()) as { id: number } | undefined;
      const sessionId = old.entity === 'session' ? old.entity_id : typeof detail.sessionId === 'number' ? detail.sessionId : null;
      const participantId =
        old.entity === 'participant' ? old.entity_id : sessionId !== null ? ((participantOfSession.get(sessionId) as { participant_id: number } | undefined)?.participant_id ?? null) : null;
      id++;
      const row: Omit<AuditRow, 'hash'> = {
        id,
        at: old.at,
        operator_id: op ? op.id : null,
        action: old.action,
        participant_id: participantId,
        session_id: sessionId,
        object: old.entity,
        object_id: old.entity_id,
        detail: canonicalJson(detail),
        prev_hash: prev,
      };
      prev = entryHash(row);
      insert.run({ ...row, hash: prev });
    }
    if (id > 0) db.prepare('INSERT INTO audit_head (one, last_id, last_hash) VALUES (1, ?, ?)').run(id, prev);
    db.exec(`
      DROP TABLE audit_log_legacy;
      CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
      CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
      CREATE TRIGGER audit_head_kept BEFORE DELETE ON audit_head
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    `);
  },
};
