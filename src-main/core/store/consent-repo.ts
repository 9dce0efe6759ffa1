import { ApiError } from '../../../src-shared/errors.js';
import { type ConsentRecord, type ConsentScopes, type ConsentState, NO_SCOPES } from '../../../src-shared/governance.js';
import type { Db } from './database.js';
import { nowIso } from './time.js';

interface Row {
  id: number;
  participant_id: number;
  version: number;
  kind: 'given' | 'withdrawn';
  video: number;
  audio: number;
  analysis: number;
  research: number;
  taken_by: number | null;
  taken_by_name: string | null;
  taken_on: string;
  form_ref: string;
  retain_until: string | null;
  recorded_at: string;
}

const toRecord = (r: Row): ConsentRecord => ({
  id: r.id,
  participantId: r.participant_id,
  version: r.version,
  kind: r.kind,
  scopes: { video: r.video === 1, audio: r.audio === 1, analysis: r.analysis === 1, research: r.research === 1 },
  takenBy: r.taken_by,
  takenByName: r.taken_by_name,
  takenOn: r.taken_on,
  formRef: r.form_ref,
  retainUntil: r.retain_until,
  recordedAt: r.recorded_at,
});

export const NOT_RECORDED: ConsentState = { status: 'not_recorded', scopes: NO_SCOPES, version: null, retainUntil: null };

export function stateOf(latest: ConsentRecord | null): ConsentState {
  if (!latest) return NOT_RECORDED;
  return { status: latest.kind, scopes: latest.kind === 'given' ? latest.scopes : NO_SCOPES, version: latest.version, retainUntil: latest.retainUntil };
}

export interface NewConsent {
  participantId: number;
  kind: 'given' | 'withdrawn';
  scopes: ConsentScopes;
  takenBy: number | null;
  takenOn: string;
  formRef: string;
  retainUntil: string | null;
  recordedBy: number | null;
}

const SELECT = 'SELECT c.*, o.display_name AS taken_by_name FROM consent_record c LEFT JOIN operator o ON o.id = c.taken_by';

/**
 * Consent records are versioned and never edited: an update or a withdrawal is a new record. The latest record
 * is what holds now; a withdrawal covers nothing.
 */
export class ConsentRepo {
  constructor(private readonly db: Db) {}

  history(participantId: number): ConsentRecord[] {
    return (this.db.prepare(`${SELECT} WHERE c.participant_id = ? ORDER BY c.version`).all(participantId) as Row[]).map(toRecord);
  }

  latest(participantId: number): ConsentRecord | null {
    const row = this.db.prepare(`${SELECT} WHERE c.participant_id = ? ORDER BY c.version DESC LIMIT 1`).get(participantId) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  state(participantId: number): ConsentState {
    return stateOf(this.latest(participantId));
  }

  add(c: NewConsent): ConsentRecord {
    if (!this.db.prepare('SELECT 1 FROM participant WHERE id = ?').get(c.participantId)) throw new ApiError('not_found', `Participant ${c.participantId} does not exist`);
    const version = ((this.db.prepare('SELECT MAX(version) AS v FROM consent_record WHERE participant_id = ?').get(c.participantId) as { v: number | null }).v ?? 0) + 1;
    const s = c.kind === 'given' ? c.scopes : NO_SCOPES;
    const info = this.db
      .prepare(
        `INSERT INTO consent_record (participant_id, version, kind, video, audio, analysis, research, taken_by, taken_on, form_ref, retain_until, recorded_at, recorded_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.participantId, version, c.kind, +s.video, +s.audio, +s.analysis, +s.research, c.takenBy, c.takenOn, c.formRef, c.retainUntil, nowIso(), c.recordedBy);
    return toRecord(this.db.prepare(`${SELECT} WHERE c.id = ?`).get(Number(info.lastInsertRowid)) as Row);
  }
}
