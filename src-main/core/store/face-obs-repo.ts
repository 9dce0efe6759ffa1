import type { FaceQuality, FrameFaces } from '../../../src-shared/contract/face.js';
import type { FaceSample } from '../analysis/fusion.js';
import type { Db } from './database.js';
import { FaceGeometryRepo } from './face-geometry-repo.js';
import { P_COLUMNS, type ProbColumn } from './prob-columns.js';

/** One stored face observation, as read back. Box in fractions of the analysed frame. */
export interface FaceObsRecord {
  runId: number;
  tMs: number;
  trackId: number;
  participant: boolean;
  box: { x: number; y: number; w: number; h: number };
  detScore: number;
  sizePx: number;
  rollDeg: number;
  sharpness: number;
  reliable: boolean;
  reasons: FaceQuality['reasons'];
  /** Canonical order; null for a class the model lacks (contempt). */
  probs: Array<number | null>;
}

interface ObsRow extends Record<ProbColumn, number | null> {
  run_id: number;
  t_ms: number;
  track_id: number;
  participant: number;
  box_x: number;
  box_y: number;
  box_w: number;
  box_h: number;
  det_score: number;
  size_px: number;
  roll_deg: number;
  sharpness: number;
  reliable: number;
  unreliable_reasons: string;
}

const PROB_COLUMNS = P_COLUMNS;

const toRecord = (r: ObsRow): FaceObsRecord => ({
  runId: r.run_id,
  tMs: r.t_ms,
  trackId: r.track_id,
  participant: r.participant === 1,
  box: { x: r.box_x, y: r.box_y, w: r.box_w, h: r.box_h },
  detScore: r.det_score,
  sizePx: r.size_px,
  rollDeg: r.roll_deg,
  sharpness: r.sharpness,
  reliable: r.reliable === 1,
  reasons: (r.unreliable_reasons ? r.unreliable_reasons.split(',') : []) as FaceQuality['reasons'],
  probs: PROB_COLUMNS.map((c) => r[c]),
});

export interface FaceCoverage {
  frames: number;
  framesWithFace: number;
  /** Frames whose participant observation is reliable. */
  framesReliable: number;
}

/** face_frame/face_obs rows of analysis runs; writes go in one transaction per batch of frames. */
export class FaceObsRepo {
  private readonly insertFrame;
  private readonly insertObs;
  private readonly geometry: FaceGeometryRepo;
  private readonly insertBatch: (runId: number, results: readonly FrameFaces[], landmarks: boolean) => number;

  constructor(private readonly db: Db) {
    this.insertFrame = db.prepare('INSERT OR REPLACE INTO face_frame (run_id, t_ms, frame_w, frame_h, face_count) VALUES (?, ?, ?, ?, ?)');
    this.insertObs = db.prepare(
      `INSERT INTO face_obs (run_id, t_ms, track_id, participant, box_x, box_y, box_w, box_h, det_score, size_px, roll_deg, sharpness,
         reliable, unreliable_reasons, ${PROB_COLUMNS.join(', ')})
       VALUES (${new Array(14 + PROB_COLUMNS.length).fill('?').join(', ')})`,
    );
    this.geometry = new FaceGeometryRepo(db);
    this.insertBatch = db.transaction((runId: number, results: readonly FrameFaces[], landmarks: boolean) => {
      let n = 0;
      for (const r of results) {
        this.insertFrame.run(runId, r.tMs, r.width, r.height, r.faces.length);
        for (const f of r.faces) {
          const q = f.quality;
          if (f.probs.length !== PROB_COLUMNS.length) throw new Error(`Observation has ${f.probs.length} probabilities, expected ${PROB_COLUMNS.length}`);
          const obs = this.insertObs.run(
            runId, r.tMs, f.trackId, f.participant ? 1 : 0,
            f.box.x / r.width, f.box.y / r.height, f.box.w / r.width, f.box.h / r.height,
            q.detScore, q.sizePx, q.rollDeg, q.sharpness, q.reliable ? 1 : 0, q.reasons.join(','),
            ...f.probs,
          );
          // The face's geometry (face mesh on) goes with its observation, in the same transaction.
          if (f.geometry) this.geometry.insert(Number(obs.lastInsertRowid), runId, r, f.geometry, landmarks);
          n++;
        }
      }
      return n;
    });
  }

  /**
   * Stores a batch of analysed frames (with and without faces) atomically, with each face's geometry when it has
   * one; the mesh points only with `landmarks` (the run kept them: they are heavy). Returns the observations written.
   */
  insertFrames(runId: number, results: readonly FrameFaces[], opts: { landmarks?: boolean } = {}): number {
    return results.length ? this.insertBatch(runId, results, opts.landmarks ?? false) : 0;
  }

  list(runId: number, opts: { fromMs?: number; toMs?: number; participantOnly?: boolean } = {}): FaceObsRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM face_obs WHERE run_id = ? AND t_ms >= ? AND t_ms <= ? ${opts.participantOnly ? 'AND participant = 1' : ''}
         ORDER BY t_ms, track_id`,
      )
      .all(runId, opts.fromMs ?? -Infinity, opts.toMs ?? Infinity) as ObsRow[];
    return rows.map(toRecord);
  }

  coverage(runId: number): FaceCoverage {
    const f = this.db.prepare('SELECT COUNT(*) AS frames, COALESCE(SUM(face_count > 0), 0) AS with_face FROM face_frame WHERE run_id = ?').get(runId) as {
      frames: number;
      with_face: number;
    };
    const r = this.db.prepare('SELECT COUNT(DISTINCT t_ms) AS n FROM face_obs WHERE run_id = ? AND participant = 1 AND reliable = 1').get(runId) as { n: number };
    return { frames: f.frames, framesWithFace: f.with_face, framesReliable: r.n };
  }

  /**
   * The participant's observations of a run in time order, a page at a time, in the shape fusion takes (an
   * hour of 30 fps faces is 100k rows: they stream, never sit in memory at once).
   */
  *participantSamples(runId: number, pageSize = 4096): Generator<FaceSample> {
    // Raw rows (arrays) are read about twice as fast as objects; columns: id, t, track, box ×4, score, reliable, p ×7.
    const stmt = this.db
      .prepare(
        `SELECT id, t_ms, track_id, box_x, box_y, box_w, box_h, det_score, reliable, ${PROB_COLUMNS.join(', ')} FROM face_obs
         WHERE run_id = ? AND participant = 1 AND (t_ms > ? OR (t_ms = ? AND id > ?)) ORDER BY t_ms, id LIMIT ?`,
      )
      .raw();
    let t = -Infinity;
    let id = -1;
    for (;;) {
      const rows = stmt.all(runId, t, t, id, pageSize) as number[][];
      for (const r of rows) {
        yield {
          tMs: r[1],
          ref: r[0],
          trackId: r[2],
          box: { x: r[3], y: r[4], w: r[5], h: r[6] },
          reliable: r[8] === 1,
          quality: r[7],
          probs: r.slice(9, 9 + PROB_COLUMNS.length),
        };
      }
      if (rows.length < pageSize) return;
      t = rows[rows.length - 1][1];
      id = rows[rows.length - 1][0];
    }
  }

  /** Time of the last analysed frame of a run, or null. */
  lastFrameMs(runId: number): number | null {
    return (this.db.prepare('SELECT MAX(t_ms) AS t FROM face_frame WHERE run_id = ?').get(runId) as { t: number | null }).t;
  }
}
