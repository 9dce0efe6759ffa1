import { EMOTIONS, topIndex } from '../../../src-shared/emotions.js';
import { AU_NAMES } from '../../../src-shared/face-geometry.js';
import type { OverlayFrame } from '../../../src-shared/contract/review.js';
import type { EpisodeMark, FusedColumns, GeometryColumns, ProbColumns, ReviewRun, TimelineSource } from '../review/timeline-source.js';
import { parseParams } from './analysis-runs-repo.js';
import type { Db } from './database.js';
import { P_COLUMNS } from './prob-columns.js';

const P = P_COLUMNS;

const num = (v: number | null | undefined): number => (v === null || v === undefined ? NaN : v);

/** What Review reads of a run's stored rows (face_obs/face_frame, voice_obs, fused, episode), as columns. */
export class ReviewTimelineRepo implements TimelineSource {
  constructor(private readonly db: Db) {}

  runs(sessionId: number): ReviewRun[] {
    const rows = this.db
      .prepare('SELECT id, mode, status, started_at, params FROM analysis_run WHERE session_id = ? ORDER BY id DESC')
      .all(sessionId) as { id: number; mode: 'live' | 'offline'; status: string; started_at: string; params: string }[];
    return rows.map((r) => ({ id: r.id, mode: r.mode, status: r.status, startedAt: r.started_at, gridStepMs: parseParams(r.params).fusion.gridStepMs }));
  }

  fused(runId: number): FusedColumns {
    const rows = this.db
      .prepare(`SELECT t_ms, ${P.join(', ')}, valence, arousal FROM fused WHERE run_id = ? ORDER BY t_ms`)
      .raw()
      .all(runId) as (number | null)[][];
    const n = rows.length;
    const t = new Float64Array(n);
    const probs = P.map(() => new Float64Array(n));
    const valence = new Float64Array(n);
    const arousal = new Float64Array(n);
    rows.forEach((r, i) => {
      t[i] = r[0] as number;
      for (let c = 0; c < P.length; c++) probs[c][i] = num(r[1 + c]);
      valence[i] = num(r[1 + P.length]);
      arousal[i] = num(r[2 + P.length]);
    });
    return { t, probs, valence, arousal };
  }

  face(runId: number): ProbColumns {
    const rows = this.db
      .prepare(`SELECT t_ms, reliable, ${P.join(', ')} FROM face_obs WHERE run_id = ? AND participant = 1 ORDER BY t_ms, id`)
      .raw()
      .all(runId) as number[][];
    // A class the model lacks (NULL: contempt) is NaN, a gap in its curve rather than a line at 0.
    return this.columns(rows.map((r) => [r[0], ...(r[1] === 1 ? r.slice(2).map(num) : P.map(() => NaN))]));
  }

  geometry(runId: number): GeometryColumns | null {
    const rows = this.db
      .prepare(
        `SELECT g.t_ms, ${AU_NAMES.map((a) => `g.${a}`).join(', ')}, g.head_yaw_deg, g.head_pitch_deg, g.head_roll_deg
         FROM face_geometry g JOIN face_obs o ON o.id = g.obs_id WHERE g.run_id = ? AND o.participant = 1 ORDER BY g.t_ms, g.obs_id`,
      )
      .raw()
      .all(runId) as number[][];
    if (!rows.length) return null;
    const n = rows.length;
    const t = new Float64Array(n);
    const au = AU_NAMES.map(() => new Float64Array(n));
    const pose = [0, 1, 2].map(() => new Float64Array(n));
    rows.forEach((r, i) => {
      t[i] = r[0];
      for (let c = 0; c < AU_NAMES.length; c++) au[c][i] = r[1 + c];
      for (let c = 0; c < 3; c++) pose[c][i] = r[1 + AU_NAMES.length + c];
    });
    return { t, au, pose };
  }

  voice(runId: number): ProbColumns {
    const rows = this.db
      .prepare(`SELECT t_ms + dur_ms / 2, ${P.join(', ')} FROM voice_obs WHERE run_id = ? AND speech = 1 ORDER BY t_ms`)
      .raw()
      .all(runId) as (number | null)[][];
    return this.columns(rows.map((r) => r.map(num)));
  }

  private columns(rows: number[][]): ProbColumns {
    const n = rows.length;
    const t = new Float64Array(n);
    const probs = P.map(() => new Float64Array(n));
    rows.forEach((r, i) => {
      t[i] = r[0];
      for (let c = 0; c < P.length; c++) probs[c][i] = r[1 + c];
    });
    return { t, probs };
  }

  episodes(runId: number): EpisodeMark[] {
    return this.db
      .prepare(
        `SELECT emotion, start_ms AS startMs, end_ms AS endMs, mean_prob AS meanProbability, peak_prob AS peakProbability
         FROM episode WHERE run_id = ? ORDER BY start_ms`,
      )
      .all(runId) as EpisodeMark[];
  }

  overlay(runId: number, fromMs: number, toMs: number): OverlayFrame[] {
    const rows = this.db
      .prepare(
        `SELECT t_ms, track_id, participant, box_x, box_y, box_w, box_h, reliable, ${P.join(', ')} FROM face_obs
         WHERE run_id = ? AND t_ms >= ? AND t_ms < ? ORDER BY t_ms, track_id`,
      )
      .raw()
      .all(runId, fromMs, toMs) as number[][];
    const frames: OverlayFrame[] = [];
    for (const r of rows) {
      const probs = r.slice(8);
      const best = topIndex(probs);
      const face = {
        trackId: r[1],
        participant: r[2] === 1,
        box: { x: r[3], y: r[4], w: r[5], h: r[6] },
        reliable: r[7] === 1,
        dominant: EMOTIONS[best],
        probability: probs[best],
      };
      const last = frames[frames.length - 1];
      if (last && last.tMs === r[0]) last.faces.push(face);
      else frames.push({ tMs: r[0], faces: [face] });
    }
    return frames;
  }

  frameTimes(runId: number, limit: number): number[] {
    return (this.db.prepare('SELECT t_ms FROM face_frame WHERE run_id = ? ORDER BY t_ms LIMIT ?').raw().all(runId, limit) as number[][]).map((r) => r[0]);
  }
}
