/**
 * The report's aggregates, computed by SQLite: a run's fused, face and voice probabilities averaged into time
 * buckets (the chart's resolution, so an hour of observations comes back as a few hundred rows), and the
 * histogram of intervals between analysed frames (for dropped frames). Reads only.
 */
import { EMOTIONS } from '../../../src-shared/emotions.js';
import type { Db } from './database.js';

const P = EMOTIONS.map((e) => `p_${e}`);
const AVG_P = P.map((p) => `AVG(${p})`).join(', ');

/** One time bucket: its index (t = index × bucketMs …), how many rows it has, and mean values (null: none). */
export interface Bucket {
  index: number;
  rows: number;
  /** Rows with a value (fused: with an estimate). */
  valued: number;
  /** Seven mean probabilities in canonical order, then any extra means asked for (valence, arousal). */
  means: Array<number | null>;
}

export interface FrameInterval {
  /** Interval between consecutive analysed frames, rounded to 0.1 ms. */
  ms: number;
  count: number;
}

export class ReportQueries {
  private readonly fusedStmt;
  private readonly faceStmt;
  private readonly voiceStmt;
  private readonly intervalsStmt;
  private readonly framesStmt;

  constructor(db: Db) {
    this.fusedStmt = db.prepare(
      `SELECT CAST(t_ms / ? AS INTEGER) AS b, COUNT(*), COUNT(p_neutral), ${AVG_P}, AVG(valence), AVG(arousal)
       FROM fused WHERE run_id = ? GROUP BY b ORDER BY b`,
    ).raw();
    this.faceStmt = db.prepare(
      `SELECT CAST(t_ms / ? AS INTEGER) AS b, COUNT(*), COUNT(*), ${AVG_P}
       FROM face_obs WHERE run_id = ? AND participant = 1 AND reliable = 1 GROUP BY b ORDER BY b`,
    ).raw();
    // A voice window stands at its centre; only windows with speech carry an estimate.
    this.voiceStmt = db.prepare(
      `SELECT CAST((t_ms + dur_ms / 2) / ? AS INTEGER) AS b, COUNT(*), COUNT(p_neutral), ${AVG_P}
       FROM voice_obs WHERE run_id = ? AND speech = 1 AND p_neutral IS NOT NULL GROUP BY b ORDER BY b`,
    ).raw();
    this.intervalsStmt = db.prepare(
      `SELECT ROUND(d, 1) AS ms, COUNT(*) FROM (SELECT t_ms - LAG(t_ms) OVER (ORDER BY t_ms) AS d FROM face_frame WHERE run_id = ?)
       WHERE d IS NOT NULL GROUP BY ms ORDER BY ms`,
    ).raw();
    this.framesStmt = db.prepare('SELECT COUNT(*) FROM face_frame WHERE run_id = ?').raw();
  }

  private static buckets(rows: Array<Array<number | null>>): Bucket[] {
    return rows.map((r) => ({ index: r[0] as number, rows: r[1] as number, valued: r[2] as number, means: r.slice(3) }));
  }

  /** Fused rows per bucket: means of the seven probabilities, valence and arousal over the rows with an estimate. */
  fusedBuckets(runId: number, bucketMs: number): Bucket[] {
    return ReportQueries.buckets(this.fusedStmt.all(bucketMs, runId) as Array<Array<number | null>>);
  }

  /** The participant's reliable face observations per bucket. */
  faceBuckets(runId: number, bucketMs: number): Bucket[] {
    return ReportQueries.buckets(this.faceStmt.all(bucketMs, runId) as Array<Array<number | null>>);
  }

  /** Voice windows with speech and an estimate, per bucket of their centre. */
  voiceBuckets(runId: number, bucketMs: number): Bucket[] {
    return ReportQueries.buckets(this.voiceStmt.all(bucketMs, runId) as Array<Array<number | null>>);
  }

  /** How many frames the face pipeline analysed, and how often each interval between them occurred. */
  frameIntervals(runId: number): { frames: number; intervals: FrameInterval[] } {
    const frames = (this.framesStmt.get(runId) as number[])[0];
    const intervals = (this.intervalsStmt.all(runId) as number[][]).map((r) => ({ ms: r[0], count: r[1] }));
    return { frames, intervals };
  }
}
