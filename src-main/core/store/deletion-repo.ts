import type { Db } from './database.js';

/** What deleting a set of sessions removes, counted for the confirmation and the audit entry. */
export interface DeletionCounts {
  sessions: number;
  mediaFiles: number;
  mediaBytes: number;
  analysisRuns: number;
  labelSegments: number;
  consentRecords: number;
}

const ids = (list: readonly number[]) => JSON.stringify(list);

/**
 * Rows of sessions and participants, removed for good. Every child row (media list, runs and their
 * observations, fused rows, episodes, label tiers and segments, consent records) goes by ON DELETE CASCADE;
 * with secure_delete on, their bytes are overwritten. Files and page reclaiming are the caller's next steps.
 */
export class DeletionRepo {
  constructor(private readonly db: Db) {}

  sessionIdsOf(participantId: number): number[] {
    return (this.db.prepare('SELECT id FROM session WHERE participant_id = ? ORDER BY id').all(participantId) as { id: number }[]).map((r) => r.id);
  }

  count(sessionIds: readonly number[], participantId: number | null = null): DeletionCounts {
    const one = (sql: string, ...args: unknown[]) => this.db.prepare(sql).get(...args) as { n: number | null };
    const list = ids(sessionIds);
    const media = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM media_file WHERE session_id IN (SELECT value FROM json_each(?))').get(list) as {
      n: number;
      b: number;
    };
    return {
      sessions: one('SELECT COUNT(*) AS n FROM session WHERE id IN (SELECT value FROM json_each(?))', list).n ?? 0,
      mediaFiles: media.n,
      mediaBytes: media.b,
      analysisRuns: one('SELECT COUNT(*) AS n FROM analysis_run WHERE session_id IN (SELECT value FROM json_each(?))', list).n ?? 0,
      labelSegments:
        one('SELECT COUNT(*) AS n FROM label_segment g JOIN label_tier t ON t.id = g.tier_id WHERE t.session_id IN (SELECT value FROM json_each(?))', list).n ?? 0,
      consentRecords: participantId === null ? 0 : (one('SELECT COUNT(*) AS n FROM consent_record WHERE participant_id = ?', participantId).n ?? 0),
    };
  }

  deleteSessions(sessionIds: readonly number[]): number {
    return this.db.prepare('DELETE FROM session WHERE id IN (SELECT value FROM json_each(?))').run(ids(sessionIds)).changes;
  }

  /** The participant, its consent records and every session of theirs. */
  deleteParticipant(participantId: number): void {
    this.db.prepare('DELETE FROM session WHERE participant_id = ?').run(participantId);
    this.db.prepare('DELETE FROM participant WHERE id = ?').run(participantId);
  }

  /** Sessions whose participant's current consent says to keep data only until a date before `today` (YYYY-MM-DD). */
  sessionsPastRetention(today: string): { sessionId: number; participantId: number; participantCode: string; retainUntil: string; startedAt: string | null; createdAt: string }[] {
    return this.db
      .prepare(
        `SELECT s.id AS sessionId, p.id AS participantId, p.code AS participantCode, c.retain_until AS retainUntil, s.started_at AS startedAt, s.created_at AS createdAt
         FROM session s JOIN participant p ON p.id = s.participant_id
         JOIN consent_record c ON c.participant_id = p.id AND c.version = (SELECT MAX(version) FROM consent_record m WHERE m.participant_id = p.id)
         WHERE c.retain_until IS NOT NULL AND c.retain_until < ?
         ORDER BY c.retain_until, s.id`,
      )
      .all(today) as { sessionId: number; participantId: number; participantCode: string; retainUntil: string; startedAt: string | null; createdAt: string }[];
  }
}
