/**
 * Fusion stage of a run: streams the run's stored face and voice observations through the fused timeline,
 * stores the rows in batches and the episodes found on them, replacing what the run had. Used at the end of
 * an offline run and to (re)compute a live run's fused timeline from its observations.
 */
import type { AnalysisParams } from '../../../src-shared/analysis.js';
import type { Db } from '../store/database.js';
import type { EpisodesRepo } from '../store/episodes-repo.js';
import type { FusedRepo } from '../store/fused-repo.js';
import { EpisodeDetector, type EpisodeSpan } from './episodes.js';
import { participantFaces, voiceWindows } from './observation-source.js';
import { type FusedRow, fuseTimeline } from './timeline.js';

const BATCH = 4096;

export interface FuseResult {
  rows: number;
  episodes: EpisodeSpan[];
}

/** Everything is written in one transaction: a run has either its old fused rows or the new ones. */
export function fuseRun(d: { db: Db; fused: FusedRepo; episodes: EpisodesRepo }, runId: number, durationMs: number, params: AnalysisParams): FuseResult {
  const found: EpisodeSpan[] = [];
  let rows = 0;
  d.db.transaction(() => {
    d.fused.deleteRun(runId);
    const detector = new EpisodeDetector(params.episodes, params.fusion.gridStepMs, (e) => found.push(e));
    let batch: FusedRow[] = [];
    for (const row of fuseTimeline(participantFaces(d.db, runId), voiceWindows(d.db, runId), durationMs, params.fusion)) {
      detector.push(row);
      batch.push(row);
      if (batch.length >= BATCH) {
        d.fused.insert(runId, batch);
        rows += batch.length;
        batch = [];
      }
    }
    d.fused.insert(runId, batch);
    rows += batch.length;
    detector.close();
    d.episodes.replace(runId, found);
  })();
  return { rows, episodes: found };
}
