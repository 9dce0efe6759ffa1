/**
 * The audit trail's tamper evidence: every entry carries the SHA-256 of the previous entry, and its own hash
 * covers its id, every column and that previous hash, in one canonical encoding. Editing, removing or inserting
 * a row breaks the chain from that row on; the head (last id and hash, kept beside the log) catches a removed tail.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** An audit row exactly as stored (detail is the stored canonical JSON text). */
export interface AuditRow {
  id: number;
  at: string;
  operator_id: number | null;
  action: string;
  participant_id: number | null;
  session_id: number | null;
  object: string | null;
  object_id: number | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

/** JSON with object keys sorted at every level, so equal details always encode to equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash of one row: SHA-256 over the canonical JSON array of its columns in a fixed order. */
export function entryHash(r: Omit<AuditRow, 'hash'>): string {
  const encoded = canonicalJson([r.id, r.at, r.operator_id, r.action, r.participant_id, r.session_id, r.object, r.object_id, r.detail, r.prev_hash]);
  return createHash('sha256').update(encoded, 'utf8').digest('hex');
}
