import type { SessionFilter, SessionSearchRow } from '../../../src-shared/contract/session-search.js';
import { apiError } from '../../../src-shared/i18n/errors.js';
import type { Db } from './database.js';
import type { SessionsRepo } from './sessions-repo.js';

/** Instants compare as text in the store's format (ISO 8601 UTC with ms), so normalise whatever came in. */
function iso(s: string, field: string): string {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw apiError('invalid_input', 'errors.notADate', { field });
  return d.toISOString();
}

/**
 * Sessions matching every given filter, newest first, with their labelling state. The date is when the
 * session started recording, or when it was created if it never did.
 */
export function searchSessions(db: Db, sessions: SessionsRepo, f: SessionFilter): SessionSearchRow[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (f.participantId !== undefined) {
    where.push('s.participant_id = ?');
    args.push(f.participantId);
  }
  if (f.protocol) {
    where.push("s.protocol LIKE ? ESCAPE '\\' COLLATE NOCASE");
    args.push(`%${f.protocol.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (f.from) {
    where.push('COALESCE(s.started_at, s.created_at) >= ?');
    args.push(iso(f.from, 'from'));
  }
  if (f.to) {
    where.push('COALESCE(s.started_at, s.created_at) < ?');
    args.push(iso(f.to, 'to'));
  }
  if (f.rater) {
    where.push('EXISTS (SELECT 1 FROM label_tier t WHERE t.session_id = s.id AND t.rater = ? COLLATE NOCASE)');
    args.push(f.rater);
  }
  const counted = `SELECT s.id,
      (SELECT COUNT(*) FROM label_segment g JOIN label_tier t ON t.id = g.tier_id WHERE t.session_id = s.id) AS segments,
      (SELECT json_group_array(rater) FROM (SELECT t.rater FROM label_tier t WHERE t.session_id = s.id ORDER BY t.rater COLLATE NOCASE)) AS raters
    FROM session s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  const labelled = f.labelled === undefined ? '' : f.labelled ? 'WHERE segments > 0' : 'WHERE segments = 0';
  const rows = db.prepare(`SELECT * FROM (${counted}) ${labelled}`).all(...args) as { id: number; segments: number; raters: string }[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const all = f.participantId !== undefined ? sessions.list({ participantId: f.participantId }) : sessions.list();
  return all
    .filter((s) => byId.has(s.id))
    .map((s) => {
      const r = byId.get(s.id)!;
      return { ...s, labelSegments: r.segments, raters: JSON.parse(r.raters) as string[] };
    });
}

export function listProtocols(db: Db): string[] {
  return (db.prepare('SELECT DISTINCT protocol FROM session ORDER BY protocol COLLATE NOCASE').all() as { protocol: string }[]).map((r) => r.protocol);
}
