/**
 * face_geometry rows (migration 013): written with their face observation (FaceObsRepo.insertFrames, one
 * transaction), read for the summary of a run's participant in time order, page by page.
 */
import type { FaceObservation, FrameFaces } from '../../../src-shared/contract/face.js';
import { AU_NAMES, type AuName } from '../../../src-shared/face-geometry.js';
import type { Db } from './database.js';

export interface GeometrySample {
  tMs: number;
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
  eyeOpenLeft: number;
  eyeOpenRight: number;
  blink: boolean;
  au: Record<AuName, number>;
}

const PAGE = 4096;

type Geometry = NonNullable<FaceObservation['geometry']>;

export class FaceGeometryRepo {
  private readonly insertRow;

  constructor(private readonly db: Db) {
    this.insertRow = db.prepare(
      `INSERT INTO face_geometry (obs_id, run_id, t_ms, head_yaw_deg, head_pitch_deg, head_roll_deg, eye_open_left, eye_open_right, blink,
         ${AU_NAMES.join(', ')}, landmarks)
       VALUES (${new Array(10 + AU_NAMES.length).fill('?').join(', ')})`,
    );
  }

  /** The geometry of one stored observation; its mesh points only with `landmarks` and when it carries them. */
  insert(obsId: number, runId: number, frame: Pick<FrameFaces, 'tMs' | 'width' | 'height'>, g: Geometry, landmarks: boolean): void {
    let blob: Buffer | null = null;
    if (landmarks && g.landmarks) {
      // Fractions of the frame like the box: x and z of its width, y of its height.
      const xyz = Float32Array.from(g.landmarks, (v, i) => v / (i % 3 === 1 ? frame.height : frame.width));
      blob = Buffer.from(xyz.buffer);
    }
    this.insertRow.run(obsId, runId, frame.tMs, g.yawDeg, g.pitchDeg, g.rollDeg, g.eyeOpenLeft, g.eyeOpenRight, g.blink ? 1 : 0, ...AU_NAMES.map((a) => g.au[a]), blob);
  }

  /** The participant's samples (one per analysed frame with a mesh), without the landmark points. */
  *participant(runId: number): Generator<GeometrySample> {
    const stmt = this.db.prepare(
      `SELECT g.t_ms, g.head_yaw_deg, g.head_pitch_deg, g.head_roll_deg, g.eye_open_left, g.eye_open_right, g.blink, ${AU_NAMES.map((a) => `g.${a}`).join(', ')}
       FROM face_geometry g JOIN face_obs o ON o.id = g.obs_id
       WHERE g.run_id = ? AND o.participant = 1 AND g.t_ms > ? ORDER BY g.t_ms LIMIT ?`,
    );
    let after = -Infinity;
    for (;;) {
      const rows = stmt.all(runId, after, PAGE) as Array<Record<string, number>>;
      for (const r of rows) {
        yield {
          tMs: r.t_ms,
          yawDeg: r.head_yaw_deg,
          pitchDeg: r.head_pitch_deg,
          rollDeg: r.head_roll_deg,
          eyeOpenLeft: r.eye_open_left,
          eyeOpenRight: r.eye_open_right,
          blink: r.blink === 1,
          au: Object.fromEntries(AU_NAMES.map((a) => [a, r[a]])) as Record<AuName, number>,
        };
      }
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].t_ms;
    }
  }

  hasAny(runId: number): boolean {
    return this.db.prepare('SELECT 1 FROM face_geometry WHERE run_id = ? LIMIT 1').get(runId) !== undefined;
  }
}
