/**
 * Builds what the Review timeline shows for a visible range: series downsampled to the display's width
 * (src-shared/timeline/downsample.ts), spans without an estimate, and episodes. Columns of finished runs are
 * cached, so zooming and panning over an hour re-reads nothing from disk.
 */
import type { TimelineData, TimelineSeries } from '../../../src-shared/contract/review.js';
import { EMOTIONS } from '../../../src-shared/emotions.js';
import { downsample, missingSpans } from '../../../src-shared/timeline/downsample.js';
import { AU_NAMES } from '../../../src-shared/face-geometry.js';
import type { EpisodeMark, FusedColumns, GeometryColumns, ProbColumns, ReviewRun, TimelineSource } from './timeline-source.js';

/** The run Review shows by default: newest complete offline run, else newest offline, else newest live. */
export function pickRun(runs: readonly ReviewRun[]): ReviewRun | null {
  const usable = runs.filter((r) => r.status !== 'failed');
  return (
    usable.find((r) => r.mode === 'offline' && r.status === 'complete') ??
    usable.find((r) => r.mode === 'offline') ??
    usable.find((r) => r.mode === 'live') ??
    null
  );
}

interface RunColumns {
  fused: FusedColumns;
  face: ProbColumns;
  voice: ProbColumns;
  geometry: GeometryColumns | null;
  episodes: EpisodeMark[];
}

export class TimelineQuery {
  private readonly cache = new Map<number, RunColumns>();

  constructor(
    private readonly source: TimelineSource,
    private readonly cacheRuns = 4,
  ) {}

  /** Columns of a run; a run still being written is read afresh every time. */
  columns(run: ReviewRun): RunColumns {
    const hit = this.cache.get(run.id);
    if (hit) {
      this.cache.delete(run.id);
      this.cache.set(run.id, hit);
      return hit;
    }
    const cols: RunColumns = {
      fused: this.source.fused(run.id),
      face: this.source.face(run.id),
      voice: this.source.voice(run.id),
      geometry: this.source.geometry(run.id),
      episodes: this.source.episodes(run.id),
    };
    if (run.status !== 'running') {
      this.cache.set(run.id, cols);
      while (this.cache.size > this.cacheRuns) this.cache.delete(this.cache.keys().next().value as number);
    }
    return cols;
  }

  /** Forget a run (re-analysed or deleted). */
  invalidate(runId: number): void {
    this.cache.delete(runId);
  }

  timeline(sessionId: number, req: { runId?: number; fromMs: number; toMs: number; buckets: number; include?: readonly TimelineSeries[] }): TimelineData {
    const runs = this.source.runs(sessionId);
    const run = req.runId === undefined ? pickRun(runs) : (runs.find((r) => r.id === req.runId) ?? null);
    const base: TimelineData = {
      runId: null,
      runs: runs.map((r) => ({ id: r.id, mode: r.mode, status: r.status, startedAt: r.startedAt })),
      fromMs: req.fromMs,
      toMs: req.toMs,
      gridStepMs: null,
      channels: [...EMOTIONS],
      fused: null,
      affect: null,
      face: null,
      voice: null,
      au: null,
      pose: null,
      auChannels: [...AU_NAMES],
      noEstimate: [],
      episodes: [],
    };
    if (!run) return base;
    const cols = this.columns(run);
    const { fromMs, toMs, buckets } = req;
    const step = run.gridStepMs;
    const probsAt = cols.fused.probs[0];
    const want = new Set<TimelineSeries>(req.include ?? ['fused', 'affect', 'face', 'voice']);
    const geo = cols.geometry;
    return {
      ...base,
      runId: run.id,
      gridStepMs: step,
      fused: want.has('fused') ? downsample({ t: cols.fused.t, channels: cols.fused.probs }, fromMs, toMs, buckets) : null,
      affect: want.has('affect') ? downsample({ t: cols.fused.t, channels: [cols.fused.valence, cols.fused.arousal] }, fromMs, toMs, buckets) : null,
      face: want.has('face') ? downsample({ t: cols.face.t, channels: cols.face.probs }, fromMs, toMs, buckets) : null,
      voice: want.has('voice') ? downsample({ t: cols.voice.t, channels: cols.voice.probs }, fromMs, toMs, buckets) : null,
      au: geo && want.has('au') ? downsample({ t: geo.t, channels: geo.au }, fromMs, toMs, buckets) : null,
      pose: geo && want.has('pose') ? downsample({ t: geo.t, channels: geo.pose }, fromMs, toMs, buckets) : null,
      // Runs without a fused timeline (not fused yet) show no shading rather than "no estimate" everywhere.
      noEstimate: cols.fused.t.length
        ? missingSpans(cols.fused.t, (i) => Number.isFinite(probsAt[i]), step, fromMs, Math.min(toMs, cols.fused.t[cols.fused.t.length - 1] + step), (toMs - fromMs) / buckets)
        : [],
      episodes: cols.episodes.filter((e) => e.endMs > fromMs && e.startMs < toMs),
    };
  }
}
