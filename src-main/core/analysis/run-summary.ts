/** A run's session-level figures (coverage, per-emotion shares and episodes), read from its stored rows. */
import type { RunSummary } from '../../../src-shared/analysis.js';
import { EMOTIONS } from '../../../src-shared/emotions.js';
import type { AnalysisRunsRepo } from '../store/analysis-runs-repo.js';
import type { EpisodesRepo } from '../store/episodes-repo.js';
import { type FusedRepo, rowFaceState, rowProbs } from '../store/fused-repo.js';
import { episodeStats } from './episodes.js';
import { SummaryAccumulator } from './summary.js';

export interface MediaStreams {
  hasVideo: boolean;
  hasAudio: boolean;
}

export function runSummary(d: { runs: AnalysisRunsRepo; fused: FusedRepo; episodes: EpisodesRepo }, runId: number, media: MediaStreams): RunSummary {
  const run = d.runs.get(runId);
  const { params } = run;
  const acc = new SummaryAccumulator();
  for (const r of d.fused.iterate(runId)) {
    acc.add({ probs: rowProbs(r), dominant: r.dominant, faceState: rowFaceState(r), speech: r.speech === null ? null : r.speech === 1 });
  }
  const s = acc.result();
  const step = params.fusion.gridStepMs;
  const analysedMs = s.steps * step;
  const stats = episodeStats(d.episodes.list(runId), analysedMs);
  return {
    runId,
    analysedMs,
    gridStepMs: step,
    coverage: {
      faceReliable: media.hasVideo ? s.coverage.faceReliable : null,
      facePresent: media.hasVideo ? s.coverage.facePresent : null,
      speech: media.hasAudio ? s.coverage.speech : null,
      anyEstimate: s.coverage.anyEstimate,
    },
    emotions: EMOTIONS.map((e) => ({
      emotion: e,
      dominantShare: s.emotions[e].dominantShare,
      meanProbability: s.emotions[e].meanProbability,
      episodeCount: stats[e].count,
      episodesPerHour: stats[e].perHour,
      episodeTotalMs: stats[e].totalMs,
      episodeLongestMs: stats[e].longestMs,
    })),
  };
}
