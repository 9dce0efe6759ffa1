import type { Emotion } from '../../../src-shared/emotions.js';
import type { FaceState, FusedRow } from '../analysis/timeline.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';
import { P_COLUMNS } from './prob-columns.js';

const P_COLS = P_COLUMNS;
// The insert below binds the eight probabilities one by one (measured faster than spreading an array).
if (P_COLS.length !== 8) throw new Error('fused-repo binds exactly eight probabilities; update it with the emotion list');
const FACE_STATE: Record<FaceState, number> = { none: 0, unreliable: 1, reliable: 2 };
const FACE_STATE_OF: FaceState[] = ['none', 'unreliable', 'reliable'];

export interface StoredFusedRow {
  t_ms: number;
  p_neutral: number | null;
  p_happy: number | null;
  p_sad: number | null;
  p_surprise: number | null;
  p_fear: number | null;
  p_disgust: number | null;
  p_angry: number | null;
  /** NULL where no contributing model gives contempt. */
  p_contempt: number | null;
  dominant: Emotion | null;
  valence: number | null;
  arousal: number | null;
  face_weight: number;
  voice_weight: number;
  face_state: number;
  speech: number | null;
  face_obs_id: number | null;
  voice_t_ms: number | null;
}

/** The row's probabilities in canonical order (null for a class without a value), or null without an estimate. */
export function rowProbs(r: StoredFusedRow): Array<number | null> | null {
  return r.p_neutral === null ? null : P_COLS.map((c) => r[c as keyof StoredFusedRow] as number | null);
}

export function rowFaceState(r: Pick<StoredFusedRow, 'face_state'>): FaceState {
  return FACE_STATE_OF[r.face_state] ?? 'none';
}

/** fused rows of analysis runs, written in batched transactions and read back in time order by pages. */
export class FusedRepo {
  private readonly insertStmt: Statement;
  private readonly insertMany: (runId: number, rows: readonly FusedRow[]) => void;

  constructor(private readonly db: Db) {
    // Plain INSERT: a run's rows are replaced whole (fuseRun deletes them first), never row by row.
    this.insertStmt = db.prepare(
      `INSERT INTO fused (run_id, t_ms, ${P_COLS.join(', ')}, dominant, valence, arousal, face_weight, voice_weight, face_state, speech,
         face_obs_id, voice_t_ms) VALUES (${new Array(11 + P_COLS.length).fill('?').join(', ')})`,
    );
    this.insertMany = db.transaction((runId: number, rows: readonly FusedRow[]) => {
      const stmt = this.insertStmt;
      for (const r of rows) {
        const p = r.probs;
        const speech = r.speech === null ? null : r.speech ? 1 : 0;
        if (p) {
          // NaN (a class no contributing model gives) is stored as NULL.
          stmt.run(runId, r.tMs, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], r.dominant, r.valence, r.arousal, r.faceWeight, r.voiceWeight, FACE_STATE[r.faceState], speech, r.faceRef, r.voiceRef);
        } else {
          stmt.run(runId, r.tMs, null, null, null, null, null, null, null, null, null, null, null, 0, 0, FACE_STATE[r.faceState], speech, r.faceRef, r.voiceRef);
        }
      }
    });
  }

  /** Stores rows in one transaction (callers pass batches of a few thousand). */
  insert(runId: number, rows: readonly FusedRow[]): void {
    if (rows.length) this.insertMany(runId, rows);
  }

  deleteRun(runId: number): void {
    this.db.prepare('DELETE FROM fused WHERE run_id = ?').run(runId);
  }

  count(runId: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM fused WHERE run_id = ?').get(runId) as { n: number }).n;
  }

  /** Rows in time order, read a page at a time so a long session never sits in memory at once. */
  *iterate(runId: number, opts: { fromMs?: number; toMs?: number; pageSize?: number } = {}): Generator<StoredFusedRow> {
    const page = opts.pageSize ?? 4096;
    const stmt = this.db.prepare('SELECT * FROM fused WHERE run_id = ? AND t_ms > ? AND t_ms <= ? ORDER BY t_ms LIMIT ?');
    let after = (opts.fromMs ?? 0) - 1e-6;
    for (;;) {
      const rows = stmt.all(runId, after, opts.toMs ?? Number.MAX_VALUE, page) as StoredFusedRow[];
      yield* rows;
      if (rows.length < page) return;
      after = rows[rows.length - 1].t_ms;
    }
  }

  /**
   * Rows in time order joined with the face observation and voice window each came from, a page at a time,
   * as raw arrays of the given expressions over the aliases `f` (fused), `fo` (face_obs), `fg` (its face_geometry)
   * and `vo` (voice_obs).
   * The first expression must be `f.t_ms` (the page key). The timeline CSV is generated from this join.
   */
  *joined(runId: number, select: readonly string[], pageSize = 4096): Generator<Array<number | string | Uint8Array | null>> {
    if (select[0] !== 'f.t_ms') throw new Error('The first joined column must be f.t_ms');
    const stmt = this.db
      .prepare(
        `SELECT ${select.join(', ')}
         FROM fused f LEFT JOIN face_obs fo ON fo.id = f.face_obs_id
         LEFT JOIN face_geometry fg ON fg.obs_id = f.face_obs_id
         LEFT JOIN voice_obs vo ON vo.run_id = f.run_id AND vo.t_ms = f.voice_t_ms
         WHERE f.run_id = ? AND f.t_ms > ? ORDER BY f.t_ms LIMIT ?`,
      )
      .raw();
    let after = -1;
    for (;;) {
      const rows = stmt.all(runId, after, pageSize) as Array<Array<number | string | Uint8Array | null>>;
      yield* rows;
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1][0] as number;
    }
  }
}
