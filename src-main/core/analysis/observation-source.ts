/**
 * Reads a run's stored observations in time order, a page at a time, in the shape fusion takes. Reads the
 * observation tables directly (their repositories load whole runs into memory; an hour of 30 fps faces is
 * 100k rows and must stream).
 */
import { EMOTIONS } from '../../../src-shared/emotions.js';
import type { Db } from '../store/database.js';
import type { FaceSample, VoiceSample } from './fusion.js';

const P = EMOTIONS.map((e) => `p_${e}`);

/** The participant's face observations of a run (one per analysed frame with the participant in view). */
export function* participantFaces(db: Db, runId: number, pageSize = 4096): Generator<FaceSample> {
  // Raw rows (arrays) are read about twice as fast as objects; columns: id, t, track, box ×4, score, reliable, p ×7.
  const stmt = db
    .prepare(
      `SELECT id, t_ms, track_id, box_x, box_y, box_w, box_h, det_score, reliable, ${P.join(', ')} FROM face_obs
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
        probs: r.slice(9, 9 + P.length),
      };
    }
    if (rows.length < pageSize) return;
    t = rows[rows.length - 1][1];
    id = rows[rows.length - 1][0];
  }
}

interface VoiceRow {
  t_ms: number;
  dur_ms: number;
  speech: number;
  speech_prob: number;
  [p: `p_${string}`]: number | null;
}

/** A run's voice windows in order of their start (the window's start time is its key and its ref). */
export function* voiceWindows(db: Db, runId: number, pageSize = 4096): Generator<VoiceSample> {
  const stmt = db.prepare(`SELECT t_ms, dur_ms, speech, speech_prob, ${P.join(', ')} FROM voice_obs WHERE run_id = ? AND t_ms > ? ORDER BY t_ms LIMIT ?`);
  let t = -Infinity;
  for (;;) {
    const rows = stmt.all(runId, t, pageSize) as VoiceRow[];
    for (const r of rows) {
      yield {
        startMs: r.t_ms,
        endMs: r.t_ms + r.dur_ms,
        ref: r.t_ms,
        speech: r.speech === 1,
        speechProb: r.speech_prob,
        probs: r.p_neutral === null ? null : P.map((c) => r[c as `p_${string}`] as number),
      };
    }
    if (rows.length < pageSize) return;
    t = rows[rows.length - 1].t_ms;
  }
}

/** End of the last voice window of a run, or null. */
export function voiceExtent(db: Db, runId: number): number | null {
  return (db.prepare('SELECT MAX(t_ms + dur_ms) AS t FROM voice_obs WHERE run_id = ?').get(runId) as { t: number | null }).t;
}

export function tableExists(db: Db, name: string): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
}

/** The latest observation time of a run in either table (the extent of a live run without a media duration). */
export function lastObservationMs(db: Db, runId: number): number | null {
  const f = db.prepare('SELECT MAX(t_ms) AS t FROM face_frame WHERE run_id = ?').get(runId) as { t: number | null };
  const w = voiceExtent(db, runId);
  if (f.t === null) return w;
  return w === null ? f.t : Math.max(f.t, w);
}
