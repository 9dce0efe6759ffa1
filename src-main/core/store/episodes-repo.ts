import type { Episode } from '../../../src-shared/analysis.js';
import type { Emotion } from '../../../src-shared/emotions.js';
import type { EpisodeSpan } from '../analysis/episodes.js';
import type { Db } from './database.js';

interface EpisodeRow {
  id: number;
  run_id: number;
  emotion: Emotion;
  start_ms: number;
  end_ms: number;
  duration_ms: number;
  mean_prob: number;
  peak_prob: number;
}

const toEpisode = (r: EpisodeRow): Episode => ({
  id: r.id,
  runId: r.run_id,
  emotion: r.emotion,
  startMs: r.start_ms,
  endMs: r.end_ms,
  durationMs: r.duration_ms,
  meanProbability: r.mean_prob,
  peakProbability: r.peak_prob,
});

/** Sustained-emotion episodes of an analysis run. */
export class EpisodesRepo {
  constructor(private readonly db: Db) {}

  /** Replaces a run's episodes in one transaction (episodes are recomputed whole from the fused timeline). */
  replace(runId: number, episodes: readonly EpisodeSpan[]): void {
    const ins = this.db.prepare('INSERT INTO episode (run_id, emotion, start_ms, end_ms, duration_ms, mean_prob, peak_prob) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM episode WHERE run_id = ?').run(runId);
      for (const e of episodes) ins.run(runId, e.emotion, e.startMs, e.endMs, e.durationMs, e.meanProbability, e.peakProbability);
    })();
  }

  list(runId: number): Episode[] {
    return (this.db.prepare('SELECT * FROM episode WHERE run_id = ? ORDER BY start_ms').all(runId) as EpisodeRow[]).map(toEpisode);
  }
}
