/**
 * A participant's sessions over time with the figures a clinician compares across visits: per-session emotion
 * shares, coverage and episode rates, each from the session's newest complete analysis run (as the CSV export
 * and the report choose it). Also as CSV, one row per session, columns documented in docs/csv.md.
 */
import type { ParticipantTrends, TrendSession } from '../../../src-shared/contract/trends.js';
import { EMOTIONS } from '../../../src-shared/emotions.js';
import { runSummary } from '../analysis/run-summary.js';
import { type Cell, formatRow, Text } from '../export/csv.js';
import type { AnalysisRunsRepo } from '../store/analysis-runs-repo.js';
import type { EpisodesRepo } from '../store/episodes-repo.js';
import type { FusedRepo } from '../store/fused-repo.js';
import type { ParticipantsRepo } from '../store/participants-repo.js';
import type { SessionsRepo } from '../store/sessions-repo.js';

export interface TrendsDeps {
  participants: ParticipantsRepo;
  sessions: SessionsRepo;
  runs: AnalysisRunsRepo;
  fused: FusedRepo;
  episodes: EpisodesRepo;
}

export function participantTrends(d: TrendsDeps, participantId: number): ParticipantTrends {
  const participant = d.participants.get(participantId);
  const sessions: TrendSession[] = d.sessions
    .list({ participantId })
    .map((s) => {
      const date = s.startedAt ?? s.createdAt;
      const run = d.runs.latestComplete(s.id);
      if (!run) return { sessionId: s.id, date, protocol: s.protocol, durationMs: s.durationMs, runId: null, analysedMs: null, coverage: null, emotions: [] };
      const media = s.media.find((m) => m.id === run.mediaFileId) ?? s.media[0];
      const sum = runSummary(d, run.id, { hasVideo: media ? media.hasVideo : true, hasAudio: media ? media.hasAudio : true });
      return {
        sessionId: s.id,
        date,
        protocol: s.protocol,
        durationMs: s.durationMs,
        runId: run.id,
        analysedMs: sum.analysedMs,
        coverage: { faceReliable: sum.coverage.faceReliable, speech: sum.coverage.speech, anyEstimate: sum.coverage.anyEstimate },
        emotions: sum.emotions,
      };
    })
    .sort((a, b) => a.date.localeCompare(b.date) || a.sessionId - b.sessionId);
  return { participant: { id: participant.id, code: participant.code }, sessions };
}

const EMOTION_FIGURES = ['dominant_share', 'mean_probability', 'episode_count', 'episodes_per_hour'] as const;

/** Stable: docs/csv.md documents each column; add at the end, never rename. */
export const TRENDS_COLUMNS: readonly string[] = [
  'participant',
  'session_id',
  'session_date',
  'protocol',
  'duration_s',
  'run_id',
  'analysed_s',
  'coverage_face_reliable',
  'coverage_speech',
  'coverage_any_estimate',
  ...EMOTIONS.flatMap((e) => EMOTION_FIGURES.map((f) => `${e}_${f}`)),
];

const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

export function trendsCsv(tr: ParticipantTrends, opts: { bom?: boolean } = {}): string {
  const rows = tr.sessions.map((s) => {
    const cells: Array<Cell | Text> = [
      new Text(tr.participant.code),
      s.sessionId,
      new Text(s.date),
      new Text(s.protocol),
      seconds(s.durationMs),
      s.runId,
      seconds(s.analysedMs),
      s.coverage?.faceReliable,
      s.coverage?.speech,
      s.coverage?.anyEstimate,
    ];
    for (const e of EMOTIONS) {
      const f = s.emotions.find((x) => x.emotion === e);
      cells.push(f?.dominantShare, f?.meanProbability, f?.episodeCount, f?.episodesPerHour);
    }
    return formatRow(cells);
  });
  return (opts.bom ? '\uFEFF' : '') + formatRow([...TRENDS_COLUMNS]) + rows.join('');
}

/** `participant-<code>_trends.csv`: codes are letters, digits, . _ - only. */
export function trendsCsvFileName(code: string): string {
  return `participant-${code.replace(/[^A-Za-z0-9._-]/g, '_')}_trends.csv`;
}
