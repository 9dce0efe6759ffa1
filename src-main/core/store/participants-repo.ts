import type { Participant } from '../../../src-shared/domain.js';
import type { Db } from './database.js';
import { nowIso } from './time.js';
import { apiError } from '../../../src-shared/i18n/errors.js';

interface Row {
  id: number;
  code: string;
  created_at: string;
  session_count: number;
}

const SELECT = `SELECT p.id, p.code, p.created_at, (SELECT COUNT(*) FROM session s WHERE s.participant_id = p.id) AS session_count
                FROM participant p`;

const toParticipant = (r: Row): Participant => ({ id: r.id, code: r.code, createdAt: r.created_at, sessionCount: r.session_count });

export class ParticipantsRepo {
  constructor(private readonly db: Db) {}

  list(): Participant[] {
    return (this.db.prepare(`${SELECT} ORDER BY p.code COLLATE NOCASE`).all() as Row[]).map(toParticipant);
  }

  get(id: number): Participant {
    const row = this.db.prepare(`${SELECT} WHERE p.id = ?`).get(id) as Row | undefined;
    if (!row) throw apiError('not_found', 'errors.participantNotFound', { id });
    return toParticipant(row);
  }

  /** Codes are unique regardless of case, so P01 and p01 cannot become two people. */
  create(code: string): Participant {
    const existing = this.db.prepare('SELECT code FROM participant WHERE code = ? COLLATE NOCASE').get(code) as { code: string } | undefined;
    if (existing) throw apiError('conflict', 'errors.participantCode.duplicate', { code: existing.code });
    const info = this.db.prepare('INSERT INTO participant (code, created_at) VALUES (?, ?)').run(code, nowIso());
    return this.get(Number(info.lastInsertRowid));
  }
}
