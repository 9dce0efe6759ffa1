/**
 * The audit trail (issue 17): append-only, hash-chained (audit-chain.ts), ids only. Entries name the operator
 * by id, the participant and session by their pseudonymous ids, and carry a detail of numbers, booleans, id lists
 * and a closed set of words — never notes, label texts, file names or other free text, which the types refuse.
 */
import { LABEL_ACTIONS } from '../../../src-shared/contract/labels.js';
import { type AuditEntryView, type AuditVerifyResult, OPERATOR_ROLES } from '../../../src-shared/governance.js';
import { type AuditRow, canonicalJson, entryHash, GENESIS_HASH } from './audit-chain.js';
import type { Db } from './database.js';
import { nowIso } from './time.js';

/** The only strings an entry's detail may hold: enumerations of the app, never user text. */
export const AUDIT_WORDS = [...OPERATOR_ROLES, ...LABEL_ACTIONS, 'live', 'offline', 'given', 'withdrawn', 'drop', 'shift'] as const;
export type AuditWord = (typeof AUDIT_WORDS)[number];
export type AuditValue = number | boolean | null | readonly number[] | AuditWord;
export type AuditDetail = Readonly<Record<string, AuditValue>>;

export interface AuditEvent {
  action: string;
  participantId?: number | null;
  sessionId?: number | null;
  object?: string | null;
  objectId?: number | null;
  detail?: AuditDetail;
}

const WORDS = new Set<string>(AUDIT_WORDS);
const ACTION = /^[a-z]+(\.[a-z]+)+$/;

function checkedDetail(detail: AuditDetail | undefined): string {
  for (const [k, v] of Object.entries(detail ?? {})) {
    if (typeof v === 'string' && !WORDS.has(v)) throw new Error(`Audit detail "${k}" holds text; only ids, numbers and known words may be logged`);
  }
  return canonicalJson(detail ?? {});
}

/**
 * Appends one entry: reads the head, hashes the new row onto it and moves the head, in one transaction (the
 * caller's, when there is one, so an action and its entry commit together).
 */
export function writeAudit(db: Db, operatorId: number | null, e: AuditEvent): number {
  if (!ACTION.test(e.action)) throw new Error(`Not an audit action name: ${e.action}`);
  const detail = checkedDetail(e.detail);
  return db.transaction(() => {
    const head = db.prepare('SELECT last_id, last_hash FROM audit_head WHERE one = 1').get() as { last_id: number; last_hash: string } | undefined;
    // Normally the head's last id is the largest; after tampering from outside it may not be, and appending must
    // still work (verification keeps naming the first bad entry).
    const maxId = (db.prepare('SELECT MAX(id) AS n FROM audit_log').get() as { n: number | null }).n ?? 0;
    const sessionId = e.sessionId ?? null;
    let participantId = e.participantId ?? null;
    if (participantId === null && sessionId !== null) {
      participantId = (db.prepare('SELECT participant_id FROM session WHERE id = ?').get(sessionId) as { participant_id: number } | undefined)?.participant_id ?? null;
    }
    const row: Omit<AuditRow, 'hash'> = {
      id: Math.max(head?.last_id ?? 0, maxId) + 1,
      at: nowIso(),
      operator_id: operatorId,
      action: e.action,
      participant_id: participantId,
      session_id: sessionId,
      object: e.object ?? null,
      object_id: e.objectId ?? null,
      detail,
      prev_hash: head?.last_hash ?? GENESIS_HASH,
    };
    const hash = entryHash(row);
    db.prepare(
      `INSERT INTO audit_log (id, at, operator_id, action, participant_id, session_id, object, object_id, detail, prev_hash, hash)
       VALUES (@id, @at, @operator_id, @action, @participant_id, @session_id, @object, @object_id, @detail, @prev_hash, @hash)`,
    ).run({ ...row, hash });
    db.prepare('INSERT INTO audit_head (one, last_id, last_hash) VALUES (1, ?, ?) ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash').run(
      row.id,
      hash,
    );
    return row.id;
  })();
}

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
