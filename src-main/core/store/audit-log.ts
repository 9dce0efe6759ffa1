import type { Db } from './database.js';
import { nowIso } from './time.js';

export interface AuditEntry {
  actor: string;
  action: string;
  entity: string;
  entityId?: number | null;
  detail?: Record<string, unknown>;
}

/** Who did what, when: every change a user makes to participants, sessions and recordings is logged. */
export function writeAudit(db: Db, entry: AuditEntry): void {
  db.prepare('INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?, ?)').run(
    nowIso(),
    entry.actor,
    entry.action,
    entry.entity,
    entry.entityId ?? null,
    entry.detail ? JSON.stringify(entry.detail) : null,
  );
}
