import type { Participant } from '../../../src-shared/domain.js';
import { ApiError } from '../../../src-shared/errors.js';
import { type ConsentState, NO_SCOPES } from '../../../src-shared/governance.js';
import { NOT_RECORDED } from './consent-repo.js';
import type { Db } from './database.js';
import { nowIso } from './time.js';
import { apiError } from '../../../src-shared/i18n/errors.js';

interface Row {
  id: number;
  code: string;
  created_at: string;
  session_count: number;
  consent_kind: 'given' | 'withdrawn' | null;
  c_video: number | null;
  c_audio: number | null;
  c_analysis: number | null;
  c_research: number | null;
  c_version: number | null;
  c_retain_until: string | null;
}

const SELECT = `SELECT p.id, p.code, p.created_at, (SELECT COUNT(*) FROM session s WHERE s.participant_id = p.id) AS session_count,
                  c.kind AS consent_kind, c.video AS c_video, c.audio AS c_audio, c.analysis AS c_analysis, c.research AS c_research,
                  c.version AS c_version, c.retain_until AS c_retain_until
                FROM participant p
                LEFT JOIN consent_record c ON c.participant_id = p.id
                  AND c.version = (SELECT MAX(version) FROM consent_record m WHERE m.participant_id = p.id)`;

function consentOf(r: Row): ConsentState {
  if (r.consent_kind === null) return NOT_RECORDED;
  const given = r.consent_kind === 'given';
  return {
    status: r.consent_kind,
    scopes: given ? { video: r.c_video === 1, audio: r.c_audio === 1, analysis: r.c_analysis === 1, research: r.c_research === 1 } : NO_SCOPES,
    version: r.c_version,
    retainUntil: r.c_retain_until,
  };
}

const toParticipant = (r: Row): Participant => ({ id: r.id, code: r.code, createdAt: r.created_at, sessionCount: r.session_count, consent: consentOf(r) });

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

  /** By code, regardless of case; null when there is none. */
  findByCode(code: string): Participant | null {
    const row = this.db.prepare(`${SELECT} WHERE p.code = ? COLLATE NOCASE`).get(code) as Row | undefined;
    return row ? toParticipant(row) : null;
  }

  /** Codes are unique regardless of case, so P01 and p01 cannot become two people. */
  create(code: string): Participant {
    const existing = this.db.prepare('SELECT code FROM participant WHERE code = ? COLLATE NOCASE').get(code) as { code: string } | undefined;
    if (existing) throw apiError('conflict', 'errors.participantCode.duplicate', { code: existing.code });
    const info = this.db.prepare('INSERT INTO participant (code, created_at) VALUES (?, ?)').run(code, nowIso());
    return this.get(Number(info.lastInsertRowid));
  }
}
