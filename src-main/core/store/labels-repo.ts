import type { LabelTier, StoredSegment } from '../../../src-shared/contract/labels.js';
import { ApiError } from '../../../src-shared/errors.js';
import { applyChangeset, type Changeset, SegmentEditError, type Segment } from '../../../src-shared/labels/segments.js';
import type { Db } from './database.js';
import { nowIso } from './time.js';
import { apiError } from '../../../src-shared/i18n/errors.js';

interface TierRow {
  id: number;
  session_id: number;
  rater: string;
  created_at: string;
}

interface SegmentRow {
  tier_id: number;
  uid: string;
  start_ms: number;
  end_ms: number;
  label: string;
  note: string;
  created_at: string;
  updated_at: string;
}

const toSegment = (r: SegmentRow): StoredSegment => ({
  id: r.uid,
  startMs: r.start_ms,
  endMs: r.end_ms,
  label: r.label,
  note: r.note,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const plain = (s: StoredSegment): Segment => ({ id: s.id, startMs: s.startMs, endMs: s.endMs, label: s.label, note: s.note });

/** A label segment with the session and rater it belongs to, as exported. */
export interface ExportSegment extends StoredSegment {
  sessionId: number;
  participantCode: string;
  protocol: string;
  rater: string;
}

/**
 * Vocabulary, tiers and segments. Every change runs in one immediate transaction that re-reads the tier,
 * applies the changeset with the shared edit rules, and writes only if the whole result is valid.
 */
export class LabelsRepo {
  constructor(private readonly db: Db) {}

  vocabulary(): string[] {
    return (this.db.prepare('SELECT value FROM label_vocabulary ORDER BY position').all() as { value: string }[]).map((r) => r.value);
  }

  /** Replaces the vocabulary. Refuses to drop a label that segments still use (say which and how many). */
  setVocabulary(items: readonly string[]): string[] {
    return this.db
      .transaction(() => {
        const keep = new Set(items);
        const used = this.db.prepare('SELECT label, COUNT(*) AS n FROM label_segment GROUP BY label').all() as { label: string; n: number }[];
        const dropped = used.filter((u) => !keep.has(u.label));
        if (dropped.length) {
          throw new ApiError(
            'conflict',
            `Still in use: ${dropped.map((d) => `"${d.label}" (${d.n} segment${d.n === 1 ? '' : 's'})`).join(', ')}. Relabel or delete those segments first.`,
          );
        }
        this.db.prepare('DELETE FROM label_vocabulary').run();
        const insert = this.db.prepare('INSERT INTO label_vocabulary (position, value) VALUES (?, ?)');
        items.forEach((v, i) => insert.run(i, v));
        return this.vocabulary();
      })
      .immediate();
  }

  private segmentsOf(tierIds: number[]): Map<number, StoredSegment[]> {
    const out = new Map<number, StoredSegment[]>(tierIds.map((id) => [id, []]));
    if (!tierIds.length) return out;
    const rows = this.db
      .prepare(`SELECT * FROM label_segment WHERE tier_id IN (${tierIds.map(() => '?').join(',')}) ORDER BY start_ms, end_ms`)
      .all(...tierIds) as SegmentRow[];
    for (const r of rows) out.get(r.tier_id)?.push(toSegment(r));
    return out;
  }

  private toTiers(rows: TierRow[]): LabelTier[] {
    const segs = this.segmentsOf(rows.map((r) => r.id));
    return rows.map((r) => ({ id: r.id, sessionId: r.session_id, rater: r.rater, createdAt: r.created_at, segments: segs.get(r.id) ?? [] }));
  }

  tiers(sessionId: number): LabelTier[] {
    return this.toTiers(this.db.prepare('SELECT * FROM label_tier WHERE session_id = ? ORDER BY created_at, id').all(sessionId) as TierRow[]);
  }

  tier(tierId: number): LabelTier {
    const row = this.db.prepare('SELECT * FROM label_tier WHERE id = ?').get(tierId) as TierRow | undefined;
    if (!row) throw new ApiError('not_found', `Label tier ${tierId} does not exist`);
    return this.toTiers([row])[0];
  }

  /** The tier of `rater` in a session, or undefined (rater names compare regardless of case). */
  tierOf(sessionId: number, rater: string): LabelTier | undefined {
    const row = this.db.prepare('SELECT * FROM label_tier WHERE session_id = ? AND rater = ?').get(sessionId, rater) as TierRow | undefined;
    return row ? this.toTiers([row])[0] : undefined;
  }

  addTier(sessionId: number, rater: string): LabelTier {
    if (!this.db.prepare('SELECT 1 FROM session WHERE id = ?').get(sessionId)) throw apiError('not_found', 'errors.sessionNotFound', { id: sessionId });
    const existing = this.tierOf(sessionId, rater);
    if (existing) throw apiError('conflict', 'errors.tierExists', { rater: existing.rater });
    const info = this.db.prepare('INSERT INTO label_tier (session_id, rater, created_at) VALUES (?, ?, ?)').run(sessionId, rater, nowIso());
    return this.tier(Number(info.lastInsertRowid));
  }

  removeTier(tierId: number): LabelTier {
    const t = this.tier(tierId);
    if (t.segments.length) {
      throw new ApiError('conflict', `Rater "${t.rater}" has ${t.segments.length} segment${t.segments.length === 1 ? '' : 's'} on this tier; delete them first`);
    }
    this.db.prepare('DELETE FROM label_tier WHERE id = ?').run(tierId);
    return t;
  }

  /**
   * Applies a changeset to a tier and stores the result. Must run inside the caller's transaction together
   * with its audit entry; throws ApiError('conflict') with the rule that refused it.
   */
  applyInTransaction(tierId: number, cs: Changeset): LabelTier {
    const before = this.tier(tierId);
    const vocab = new Set(this.vocabulary());
    for (const a of cs.add) {
      // Only labels of the controlled vocabulary go in; undoing back to a label since removed is refused too.
      if (!vocab.has(a.label)) throw apiError('invalid_input', 'errors.notInVocabulary', { label: a.label });
    }
    try {
      applyChangeset(before.segments.map(plain), cs);
    } catch (e) {
      if (e instanceof SegmentEditError) throw new ApiError(e.kind === 'invalid' ? 'invalid_input' : 'conflict', e.message);
      throw e;
    }
    const createdAt = new Map(before.segments.map((s) => [s.id, s.createdAt]));
    const now = nowIso();
    const del = this.db.prepare('DELETE FROM label_segment WHERE tier_id = ? AND uid = ?');
    const ins = this.db.prepare(
      'INSERT INTO label_segment (tier_id, uid, start_ms, end_ms, label, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const r of cs.remove) del.run(tierId, r.id);
    for (const a of cs.add) {
      const taken = this.db.prepare('SELECT tier_id FROM label_segment WHERE uid = ?').get(a.id);
      if (taken) throw new ApiError('conflict', `Segment id ${a.id} is already used`);
      ins.run(tierId, a.id, a.startMs, a.endMs, a.label, a.note, createdAt.get(a.id) ?? now, now);
    }
    return this.tier(tierId);
  }

  /** Raters across the project with how many sessions and segments each has. */
  raters(): { rater: string; sessions: number; segments: number }[] {
    return this.db
      .prepare(
        `SELECT t.rater AS rater, COUNT(DISTINCT t.session_id) AS sessions, COUNT(s.id) AS segments
         FROM label_tier t LEFT JOIN label_segment s ON s.tier_id = t.id
         GROUP BY t.rater COLLATE NOCASE ORDER BY t.rater COLLATE NOCASE`,
      )
      .all() as { rater: string; sessions: number; segments: number }[];
  }

  /** Every segment of the given sessions, ordered by session, rater, start. */
  exportRows(sessionIds: readonly number[]): ExportSegment[] {
    if (!sessionIds.length) return [];
    const rows = this.db
      .prepare(
        `SELECT s.*, t.session_id, t.rater, p.code AS participant_code, se.protocol
         FROM label_segment s JOIN label_tier t ON t.id = s.tier_id JOIN session se ON se.id = t.session_id
         JOIN participant p ON p.id = se.participant_id
         WHERE t.session_id IN (SELECT value FROM json_each(?))
         ORDER BY t.session_id, t.rater COLLATE NOCASE, s.start_ms, s.end_ms`,
      )
      .all(JSON.stringify(sessionIds)) as (SegmentRow & { session_id: number; rater: string; participant_code: string; protocol: string })[];
    return rows.map((r) => ({ ...toSegment(r), sessionId: r.session_id, participantCode: r.participant_code, protocol: r.protocol, rater: r.rater }));
  }
}
