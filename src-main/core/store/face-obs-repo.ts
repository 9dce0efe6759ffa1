import type { FaceQuality, FrameFaces } from '../../../src-shared/contract/face.js';
import { EMOTIONS } from '../../../src-shared/emotions.js';
import { AU_NAMES } from '../../../src-shared/face-geometry.js';
import type { Db } from './database.js';

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
  /** Canonical order. */
  probs: number[];
}

interface ObsRow {
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
  [p: `p_${string}`]: number;
}

const PROB_COLUMNS = EMOTIONS.map((e) => `p_${e}`);

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
  probs: PROB_COLUMNS.map((c) => r[c as `p_${string}`]),
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
  private readonly insertGeometry;
  private readonly insertBatch: (runId: number, results: FrameFaces[], landmarks: boolean) => number;

  constructor(private readonly db: Db) {
    this.insertFrame = db.prepare('INSERT OR REPLACE INTO face_frame (run_id, t_ms, frame_w, frame_h, face_count) VALUES (?, ?, ?, ?, ?)');
    this.insertObs = db.prepare(
      `INSERT INTO face_obs (run_id, t_ms, track_id, participant, box_x, box_y, box_w, box_h, det_score, size_px, roll_deg, sharpness,
         reliable, unreliable_reasons, ${PROB_COLUMNS.join(', ')})
       VALUES (${new Array(14 + PROB_COLUMNS.length).fill('?').join(', ')})`,
    );
    this.insertGeometry = db.prepare(
      `INSERT INTO face_geometry (obs_id, run_id, t_ms, head_yaw_deg, head_pitch_deg, head_roll_deg, eye_open_left, eye_open_right, blink,
         ${AU_NAMES.join(', ')}, landmarks)
       VALUES (${new Array(10 + AU_NAMES.length).fill('?').join(', ')})`,
    );
    this.insertBatch = db.transaction((runId: number, results: FrameFaces[], landmarks: boolean) => {
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
          const g = f.geometry;
          if (g) {
            let blob: Buffer | null = null;
            if (landmarks && g.landmarks) {
              // Fractions of the frame like the box: x and z of its width, y of its height.
              const xyz = Float32Array.from(g.landmarks, (v, i) => v / (i % 3 === 1 ? r.height : r.width));
              blob = Buffer.from(xyz.buffer);
            }
            this.insertGeometry.run(
              obs.lastInsertRowid, runId, r.tMs, g.yawDeg, g.pitchDeg, g.rollDeg, g.eyeOpenLeft, g.eyeOpenRight, g.blink ? 1 : 0,
              ...AU_NAMES.map((a) => g.au[a]), blob,
            );
          }
          n++;
        }
      }
      return n;
    });
  }

  /**
   * Stores a batch of analysed frames (with and without faces) atomically, with each face's geometry when it has
   * one; the mesh points only with `landmarks` (an export option: they are heavy). Returns the observations written.
   */
  insertFrames(runId: number, results: FrameFaces[], opts: { landmarks?: boolean } = {}): number {
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
}
