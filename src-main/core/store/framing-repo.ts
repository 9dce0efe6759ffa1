import { FRAMING_CHECKS, type FramingTotals, type SessionFraming } from '../../../src-shared/contract/framing.js';
import type { Db } from './database.js';

interface Row {
  session_id: number;
  total_ms: number;
  updated_at: string;
  [failed: `${string}_failed_ms`]: number;
}

/** session_framing: the share of recorded time each framing check failed (migration 014). */
export class FramingRepo {
  constructor(private readonly db: Db) {}

  /** Replaces the session's totals (reports are cumulative). */
  put(sessionId: number, t: FramingTotals, at: string): void {
    const cols = FRAMING_CHECKS.map((c) => `${c}_failed_ms`);
    this.db
      .prepare(
        `INSERT INTO session_framing (session_id, total_ms, ${cols.join(', ')}, updated_at) VALUES (?, ?, ${cols.map(() => '?').join(', ')}, ?)
         ON CONFLICT (session_id) DO UPDATE SET total_ms = excluded.total_ms, ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}, updated_at = excluded.updated_at`,
      )
      .run(sessionId, t.totalMs, ...FRAMING_CHECKS.map((c) => t.failedMs[c]), at);
  }

  get(sessionId: number): SessionFraming | null {
    const r = this.db.prepare('SELECT * FROM session_framing WHERE session_id = ?').get(sessionId) as Row | undefined;
    if (!r) return null;
    const share = (c: (typeof FRAMING_CHECKS)[number]) => (r.total_ms > 0 ? r[`${c}_failed_ms`] / r.total_ms : 0);
    return {
      sessionId: r.session_id,
      totalMs: r.total_ms,
      failedShare: Object.fromEntries(FRAMING_CHECKS.map((c) => [c, share(c)])) as SessionFraming['failedShare'],
      updatedAt: r.updated_at,
    };
  }
}
