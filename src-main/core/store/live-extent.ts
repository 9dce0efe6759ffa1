import type { Db } from './database.js';

/** The end of the last observation of a session's newest live run (a media-less session's length after a crash). */
export function lastLiveObservationMs(db: Db, sessionId: number): number | null {
  const run = db.prepare("SELECT id FROM analysis_run WHERE session_id = ? AND mode = 'live' ORDER BY id DESC LIMIT 1").get(sessionId) as { id: number } | undefined;
  if (!run) return null;
  const r = db
    .prepare('SELECT MAX(t) AS t FROM (SELECT MAX(t_ms) AS t FROM face_frame WHERE run_id = ? UNION ALL SELECT MAX(t_ms + dur_ms) AS t FROM voice_obs WHERE run_id = ?)')
    .get(run.id, run.id) as { t: number | null };
  return r.t;
}
