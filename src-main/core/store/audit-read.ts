/**
 * Reading the audit trail: verifying its hash chain, listing entries for the Audit view, streaming it for export.
 * Writing is audit-log.ts, used by the request handlers only.
 */
import type { AuditEntryView, AuditVerifyResult } from '../../../src-shared/governance.js';
import { type AuditRow, entryHash, GENESIS_HASH } from './audit-chain.js';
import type { Db } from './database.js';

/**
 * Walks the whole chain in id order and reports the first entry that does not hold: its hash does not match its
 * content (edited), its id does not follow the previous one (removed or inserted), its previous-hash does not
 * match the entry before it (removed, inserted or reordered), or the head names entries that are gone.
 */
export function verifyAudit(db: Db): AuditVerifyResult {
  let prevHash = GENESIS_HASH;
  let prevId = 0;
  let n = 0;
  const bad = (entryId: number, message: string): AuditVerifyResult => ({ ok: false, entries: n, headHash: null, problem: { entryId, message } });
  for (const r of db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as IterableIterator<AuditRow>) {
    n++;
    if (r.id !== prevId + 1) {
      return r.id > prevId + 1
        ? bad(prevId + 1, `audit entry ${prevId + 1}${r.id > prevId + 2 ? `–${r.id - 1}` : ''} missing: removed from the trail (the next entry present is ${r.id})`)
        : bad(r.id, `audit entry ${r.id} is out of sequence (after ${prevId})`);
    }
    if (r.prev_hash !== prevHash) return bad(r.id, `audit entry ${r.id} does not follow entry ${prevId}: an entry was removed or inserted before it`);
    if (entryHash(r) !== r.hash) return bad(r.id, `audit entry ${r.id} was altered: its content does not match its hash`);
    prevHash = r.hash;
    prevId = r.id;
  }
  const head = db.prepare('SELECT last_id, last_hash FROM audit_head WHERE one = 1').get() as { last_id: number; last_hash: string } | undefined;
  if (head && (head.last_id !== prevId || head.last_hash !== prevHash)) {
    return head.last_id > prevId
      ? bad(prevId + 1, `audit ${head.last_id > prevId + 1 ? `entries ${prevId + 1}–${head.last_id}` : `entry ${prevId + 1}`} missing: removed from the end of the trail`)
      : bad(head.last_id + 1, `audit entry ${head.last_id + 1} is not recorded in the trail's head: inserted from outside`);
  }
  if (!head && prevId > 0) return bad(1, 'the trail has entries but no head: the head was removed');
  return { ok: true, entries: n, headHash: prevId > 0 ? prevHash : null, problem: null };
}

export interface AuditFilter {
  operatorId?: number;
  participantId?: number;
  sessionId?: number;
  action?: string;
  /** ISO instants, inclusive from, exclusive to. */
  from?: string;
  to?: string;
  /** Entries with an id below this (paging backwards, newest first). */
  beforeId?: number;
  limit: number;
}

interface ViewRow extends AuditRow {
  operator_name: string | null;
  participant_code: string | null;
}

const toView = (r: ViewRow): AuditEntryView => ({
  id: r.id,
  at: r.at,
  operatorId: r.operator_id,
  operatorName: r.operator_name,
  action: r.action,
  participantId: r.participant_id,
  participantCode: r.participant_code,
  sessionId: r.session_id,
  object: r.object,
  objectId: r.object_id,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
});

const VIEW = `SELECT a.*, o.display_name AS operator_name, p.code AS participant_code
              FROM audit_log a LEFT JOIN operator o ON o.id = a.operator_id LEFT JOIN participant p ON p.id = a.participant_id`;

function where(f: Omit<AuditFilter, 'limit'>): { sql: string; args: (string | number)[] } {
  const w: string[] = [];
  const args: (string | number)[] = [];
  const add = (sql: string, v: string | number | undefined) => {
    if (v === undefined) return;
    w.push(sql);
    args.push(v);
  };
  add('a.operator_id = ?', f.operatorId);
  add('a.participant_id = ?', f.participantId);
  add('a.session_id = ?', f.sessionId);
  add('a.action = ?', f.action);
  add('a.at >= ?', f.from);
  add('a.at < ?', f.to);
  add('a.id < ?', f.beforeId);
  return { sql: w.length ? `WHERE ${w.join(' AND ')}` : '', args };
}

/** Entries matching every given filter, newest first, one page at a time. */
export function listAudit(db: Db, f: AuditFilter): { entries: AuditEntryView[]; more: boolean } {
  const { sql, args } = where(f);
  const rows = db.prepare(`${VIEW} ${sql} ORDER BY a.id DESC LIMIT ?`).all(...args, f.limit + 1) as ViewRow[];
  return { entries: rows.slice(0, f.limit).map(toView), more: rows.length > f.limit };
}

/** Every entry in id order (for CSV export), streamed. */
export function* iterateAudit(db: Db): Generator<AuditRow> {
  yield* db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as IterableIterator<AuditRow>;
}

export function auditActions(db: Db): string[] {
  return (db.prepare('SELECT DISTINCT action FROM audit_log ORDER BY action').all() as { action: string }[]).map((r) => r.action);
}
