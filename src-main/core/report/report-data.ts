/**
 * Gathers a session report's figures (src-shared/report/report-data.ts) through the stores and the services
 * Review and the CSV export already use: the run's summary, its timeline at the chart's resolution, episodes,
 * the analysed frames and the raters' labels against the model. The same data feeds the Report view and the PDF.
 */
import { analysisParamsSchema, type AnalysisRun } from '../../../src-shared/analysis.js';
import type { MediaFile, Session } from '../../../src-shared/domain.js';
import { kappaBand } from '../../../src-shared/labels/kappa.js';
import { REPORT_THRESHOLDS, type ReportData, type ReportWarning } from '../../../src-shared/report/report-data.js';
import { runSummary } from '../analysis/run-summary.js';
import { exportRunFor } from '../export/session-export.js';
import { computeAgreement, modelSamples } from '../labels/agreement.js';
import type { TimelineSource } from '../review/timeline-source.js';
import type { AnalysisRunsRepo } from '../store/analysis-runs-repo.js';
import type { Db } from '../store/database.js';
import type { EpisodesRepo } from '../store/episodes-repo.js';
import type { FusedRepo } from '../store/fused-repo.js';
import type { LabelsRepo } from '../store/labels-repo.js';
import type { ReportQueries, Bucket } from '../store/report-queries.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import type { OperatorsRepo } from '../store/operators-repo.js';
import type { Series, Span } from '../../../src-shared/contract/review.js';
import { EMOTIONS } from '../../../src-shared/emotions.js';
import { frameGaps } from './frame-gaps.js';

export interface ReportDeps {
  version: string;
  db: Db;
  sessions: SessionsRepo;
  runs: AnalysisRunsRepo;
  fused: FusedRepo;
  episodes: EpisodesRepo;
  labels: LabelsRepo;
  timeline: TimelineSource;
  queries: ReportQueries;
  operators: OperatorsRepo;
}

/** Points per chart series: about one per 0.7 pt across an A4 text column, enough for vector curves. */
export const REPORT_CHART_BUCKETS = 720;

/** A chart series from SQLite's bucket means: one point per bucket that has values, at the bucket's centre. */
function seriesOf(buckets: readonly Bucket[], bucketMs: number, channels: number): Series {
  const withValues = buckets.filter((b) => b.valued > 0);
  return {
    t: withValues.map((b) => (b.index + 0.5) * bucketMs),
    mean: Array.from({ length: channels }, (_, c) => withValues.map((b) => round4(b.means[c]))),
    min: null,
    max: null,
    bucketMs,
    points: buckets.reduce((a, b) => a + b.valued, 0),
  };
}

const round4 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e4) / 1e4);

/** Buckets where most of the time had no fused estimate, merged into spans. */
function noEstimateSpans(buckets: readonly Bucket[], bucketMs: number): Span[] {
  const spans: Span[] = [];
  for (const b of buckets) {
    if (b.valued * 2 >= b.rows) continue;
    const startMs = b.index * bucketMs;
    const last = spans[spans.length - 1];
    if (last && Math.abs(last.endMs - startMs) < 1e-6) last.endMs = startMs + bucketMs;
    else spans.push({ startMs, endMs: startMs + bucketMs });
  }
  return spans;
}

function mediaOf(session: Session, run: AnalysisRun): MediaFile | null {
  return session.media.find((m) => m.id === run.mediaFileId) ?? session.media[0] ?? null;
}

/** The report of a session: its newest complete run, or run `runId` (any status; the report says so). */
export function buildReportData(d: ReportDeps, sessionId: number, runId?: number, now: Date = new Date()): ReportData {
  const session = d.sessions.get(sessionId);
  const run = exportRunFor({ db: d.db, sessions: d.sessions, runs: d.runs, fused: d.fused, episodes: d.episodes }, session, runId);
  const media = mediaOf(session, run);
  const hasVideo = media ? media.hasVideo : true;
  const hasAudio = media ? media.hasAudio : true;
  const params = analysisParamsSchema.parse(run.params ?? {});
  const summary = runSummary(d, run.id, { hasVideo, hasAudio });
  const durationMs = session.durationMs ?? media?.durationMs ?? run.mediaDurationMs ?? summary.analysedMs;
  const toMs = Math.max(durationMs ?? 0, summary.analysedMs, 1);
  // One bucket per chart point, never finer than the fused grid.
  const bucketMs = Math.max(params.fusion.gridStepMs, Math.ceil(toMs / REPORT_CHART_BUCKETS));
  const fusedBuckets = d.queries.fusedBuckets(run.id, bucketMs);
  const P = EMOTIONS.length;
  const fused = seriesOf(fusedBuckets, bucketMs, P + 2);
  const frameStats = d.queries.frameIntervals(run.id);
  const frames = hasVideo ? frameGaps(frameStats.frames, frameStats.intervals) : null;
  const warnings = reportWarnings({ status: run.status, mode: run.mode, hasVideo, hasAudio, coverage: summary.coverage, frames });

  return {
    generatedAt: now.toISOString(),
    softwareVersion: d.version,
    session: {
      id: session.id,
      participantId: session.participantId,
      participantCode: session.participantCode,
      protocol: session.protocol,
      operator: session.operator,
      operatorRole: session.operatorId === null ? null : (d.operators.list().find((o) => o.id === session.operatorId)?.role ?? null),
      status: session.status,
      date: session.startedAt ?? session.createdAt,
      durationMs: durationMs ?? null,
    },
    run: {
      id: run.id,
      mode: run.mode,
      status: run.status,
      startedAt: run.startedAt,
      softwareVersion: run.softwareVersion,
      provider: run.provider,
      models: run.models.map((m) => ({ id: m.id, task: m.task, sha256: m.sha256 })),
    },
    rules: {
      gridStepMs: params.fusion.gridStepMs,
      smoothingHalfLifeMs: params.fusion.halfLifeMs,
      episodeMinDurationMs: params.episodes.minDurationMs,
      episodeMinProbability: params.episodes.minProbability,
      episodeBridgeGapMs: params.episodes.bridgeGapMs,
      episodeEmotions: params.episodes.emotions,
    },
    quality: { analysedMs: summary.analysedMs, hasVideo, hasAudio, coverage: summary.coverage, frames, warnings },
    emotions: summary.emotions,
    episodes: d.episodes.list(run.id).map((e) => ({ emotion: e.emotion, startMs: e.startMs, endMs: e.endMs, durationMs: e.durationMs, meanProbability: e.meanProbability })),
    timeline: {
      fromMs: 0,
      toMs,
      fused: { ...fused, mean: fused.mean.slice(0, P) },
      face: hasVideo ? seriesOf(d.queries.faceBuckets(run.id, bucketMs), bucketMs, P) : null,
      voice: hasAudio ? seriesOf(d.queries.voiceBuckets(run.id, bucketMs), bucketMs, P) : null,
      affect: { ...fused, mean: fused.mean.slice(P) },
      noEstimate: noEstimateSpans(fusedBuckets, bucketMs),
    },
    labels: labelsSummary(d, session, run, params.fusion.gridStepMs),
  };
}

/** What a reader must know before trusting the figures, in the order the report lists it. */
export function reportWarnings(x: {
  status: AnalysisRun['status'];
  mode: AnalysisRun['mode'];
  hasVideo: boolean;
  hasAudio: boolean;
  coverage: ReportData['quality']['coverage'];
  frames: ReportData['quality']['frames'];
}): ReportWarning[] {
  const w: ReportWarning[] = [];
  const c = x.coverage;
  if (x.status !== 'complete') w.push('runIncomplete');
  if (x.mode === 'live') w.push('liveRun');
  if (!x.hasVideo) w.push('noVideo');
  if (!x.hasAudio) w.push('noAudio');
  if (c.anyEstimate === null || c.anyEstimate < REPORT_THRESHOLDS.anyEstimate) w.push('lowAnyEstimate');
  if (x.hasVideo && c.faceReliable !== null && c.faceReliable < REPORT_THRESHOLDS.faceReliable) w.push('lowFaceReliable');
  const f = x.frames;
  if (f && f.analysed > 0 && f.dropped / (f.analysed + f.dropped) > REPORT_THRESHOLDS.droppedFrames) w.push('droppedFrames');
  return w;
}

function labelsSummary(d: ReportDeps, session: Session, run: AnalysisRun, gridMs: number): ReportData['labels'] {
  const tiers = d.labels.tiers(session.id).filter((t) => t.segments.length > 0);
  if (!tiers.length) return null;
  const reviewRun = d.timeline.runs(session.id).find((r) => r.id === run.id);
  const model = reviewRun ? modelSamples(d.timeline, reviewRun) : null;
  return {
    raters: tiers.map((tier) => {
      const k = computeAgreement(
        {
          vocabulary: () => d.labels.vocabulary(),
          // Labels can mean no later than the session's end (or the last label, when the duration is unknown).
          limitMs: () => Math.max(session.durationMs ?? 0, ...tier.segments.map((x) => x.endMs)) + 1000,
          participantCode: () => session.participantCode,
          tier: () => tier.segments.map((s) => ({ id: s.id, startMs: s.startMs, endMs: s.endMs, label: s.label, note: s.note })),
          model: () => model,
        },
        { sessionIds: [session.id], a: { kind: 'rater', rater: tier.rater }, b: { kind: 'model' }, gridMs, includeUnlabelled: false },
      );
      return {
        rater: tier.rater,
        segments: tier.segments.length,
        labelledMs: tier.segments.reduce((a, s) => a + (s.endMs - s.startMs), 0),
        kappa: k.kappa,
        band: kappaBand(k.kappa),
        observed: k.observed,
        n: k.n,
      };
    }),
  };
}
