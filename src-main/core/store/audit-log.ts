/**
 * The audit trail (issue 17): append-only, hash-chained (audit-chain.ts), ids only. Entries name the operator
 * by id, the participant and session by their pseudonymous ids, and carry a detail of numbers, booleans, id lists
 * and a closed set of words — never notes, label texts, file names or other free text, which the types refuse.
 */
import { LABEL_ACTIONS } from '../../../src-shared/contract/labels.js';
import { OPERATOR_ROLES } from '../../../src-shared/governance.js';
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

