/**
 * The one place analysis runs are opened, described and closed, live or offline: which models and providers
 * a run used is recorded once, and a finished run's observations are fused (fused rows and episodes) by one
 * path, whoever finishes it (the offline runner, a recording that stopped, a request to fuse again).
 */
import type { AnalysisParams, AnalysisRun, RunModel, RunStatus } from '../../../src-shared/analysis.js';
import type { InferenceService } from '../inference/inference-service.js';
import { getModel } from '../inference/manifest.js';
import { AnalysisRunsRepo } from '../store/analysis-runs-repo.js';
import type { Db } from '../store/database.js';
import { EpisodesRepo } from '../store/episodes-repo.js';
import { FaceObsRepo } from '../store/face-obs-repo.js';
import { FusedRepo } from '../store/fused-repo.js';
import { VoiceObsRepo } from '../store/voice-obs-repo.js';
import { EpisodeDetector, type EpisodeSpan } from './episodes.js';
import type { Stage } from './stage.js';
import { type FusedRow, fuseTimeline } from './timeline.js';

/** What a run records of the models it ran. */
export interface ModelUse {
  models: RunModel[];
  /** Providers actually used, e.g. "cpu" or "cuda" ("cuda+cpu" when models differ). */
  provider: string | null;
  /** Why a preferred provider was not used, per model, and what the run goes without; null when nothing. */
  providerDetail: string | null;
}

/** The models of these stages (already loaded, so the provider report names what really ran them). */
export function modelUse(svc: Pick<InferenceService, 'manifest' | 'providerReport'>, stages: readonly Pick<Stage, 'modelIds'>[], notes: readonly string[]): ModelUse {
  const ids = stages.flatMap((s) => s.modelIds);
  const models = ids.map((id) => {
    const e = getModel(svc.manifest, id);
    return { id: e.id, task: e.task, file: e.file, sha256: e.sha256 };
  });
  const report = svc.providerReport().filter((r) => ids.includes(r.id));
  const fallbacks = report.filter((r) => r.fallbackReason).map((r) => `${r.id}: ${r.fallbackReason}`);
  return {
    models,
    provider: [...new Set(report.map((r) => r.provider))].join('+') || null,
    providerDetail: [...fallbacks, ...notes].join('; ') || null,
  };
}

export interface FuseResult {
  /** Media time fused: [0, extentMs) on the run's grid. */
  extentMs: number;
  rows: number;
  episodes: EpisodeSpan[];
}

const FUSE_BATCH = 4096;

export class RunRecorder {
  readonly runs: AnalysisRunsRepo;
  readonly fused: FusedRepo;
  readonly episodes: EpisodesRepo;
  private readonly faceObs: FaceObsRepo;
  private readonly voiceObs: VoiceObsRepo;

  constructor(
    private readonly db: Db,
    private readonly version: string,
  ) {
    this.runs = new AnalysisRunsRepo(db);
    this.fused = new FusedRepo(db);
    this.episodes = new EpisodesRepo(db);
    this.faceObs = new FaceObsRepo(db);
    this.voiceObs = new VoiceObsRepo(db);
  }

  /** A new run, 'running', with this build's version. */
  open(run: { sessionId: number; mediaFileId: number | null; mode: 'live' | 'offline'; params: AnalysisParams; mediaDurationMs: number | null }): AnalysisRun {
    return this.runs.create({ ...run, softwareVersion: this.version });
  }

  /** Runs `fn` in one transaction (a stage's results with its progress mark). */
  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }

  recordModels(runId: number, use: ModelUse): void {
    this.runs.setModels(runId, use);
  }

  close(runId: number, status: Exclude<RunStatus, 'running'>, error: string | null): AnalysisRun {
    return this.runs.finish(runId, status, error);
  }

  /** The latest observation time of a run in either table (the extent of a live run without a media duration). */
  lastObservationMs(runId: number): number | null {
    const f = this.faceObs.lastFrameMs(runId);
    const w = this.voiceObs.extent(runId);
    if (f === null) return w;
    return w === null ? f : Math.max(f, w);
  }

  /**
   * Streams the run's stored face and voice observations through the fused timeline over [0, extent) with
   * the run's own settings, storing the rows in batches and the episodes found on them, in one transaction (a
   * run has either its old fused rows or the new ones). Extent: `extentMs`, else the run's media duration,
   * else its last observation; null when there is none (nothing to fuse).
   */
  fuse(runId: number, extentMs: number | null = null): FuseResult | null {
    const run = this.runs.get(runId);
    const extent = extentMs ?? run.mediaDurationMs ?? this.lastObservationMs(runId);
    if (extent === null) return null;
    const { params } = run;
    const found: EpisodeSpan[] = [];
    let rows = 0;
    this.db.transaction(() => {
      this.fused.deleteRun(runId);
      const detector = new EpisodeDetector(params.episodes, params.fusion.gridStepMs, (e) => found.push(e));
      let batch: FusedRow[] = [];
      for (const row of fuseTimeline(this.faceObs.participantSamples(runId), this.voiceObs.windowSamples(runId), extent, params.fusion)) {
        detector.push(row);
        batch.push(row);
        if (batch.length >= FUSE_BATCH) {
          this.fused.insert(runId, batch);
          rows += batch.length;
          batch = [];
        }
      }
      this.fused.insert(runId, batch);
      rows += batch.length;
      detector.close();
      this.episodes.replace(runId, found);
    })();
    return { extentMs: extent, rows, episodes: found };
  }
}
