/** Everything the analysis, import and export requests use, built once per core over its database. */
import type { EventBus } from '../event-bus.js';
import type { InferenceService } from '../inference/inference-service.js';
import type { ImportDeps } from '../media/import-media.js';
import { ImportUploads } from '../media/import-upload.js';
import type { AnalysisRunsRepo } from '../store/analysis-runs-repo.js';
import type { Db } from '../store/database.js';
import type { EpisodesRepo } from '../store/episodes-repo.js';
import type { FusedRepo } from '../store/fused-repo.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { AnalysisRunner, type StageFactory } from './analysis-runner.js';
import { modality, Stages } from './modalities.js';
import { modelUse, RunRecorder } from './run-recorder.js';

export interface AnalysisServices {
  recorder: RunRecorder;
  runs: AnalysisRunsRepo;
  fused: FusedRepo;
  episodes: EpisodesRepo;
  /** The analysis stages of the process (their models loaded once), shared by live and offline analysis. */
  stages: Stages;
  runner: AnalysisRunner;
  uploads: ImportUploads;
  /** Cancels running analyses (they stay resumable) and drops unfinished uploads. */
  close(): Promise<void>;
}

export interface AnalysisServicesDeps {
  db: Db;
  dataDir: string;
  version: string;
  sessions: SessionsRepo;
  events: EventBus;
  inference: () => Promise<InferenceService>;
  /** Tests replace the model-backed stages of offline runs. */
  offlineStages?: StageFactory;
  /** Refuses an imported clip the session's participant has not consented to (ImportDeps.consent). */
  consent?: ImportDeps['consent'];
  /** The data folder's media store (ImportDeps.media). */
  media?: ImportDeps['media'];
}

/** The registered modalities' stages for a file's streams, configured for the run, storing through their own writers. */
function registeredStages(db: Db, stages: Stages, inference: () => Promise<InferenceService>): StageFactory {
  return async (sources, params) => {
    const svc = await inference();
    const available = await stages.available(sources, params.models ?? []);
    const configured = available.stages.map((stage) => stage.configured?.(params) ?? stage);
    return {
      stages: configured.map((stage) => {
        const m = modality(stage.modality);
        return { stage, store: m.writer(db, params), storeEvery: m.storeEvery };
      }),
      use: modelUse(svc, configured, available.notes),
    };
  };
}

export function createAnalysisServices(d: AnalysisServicesDeps): AnalysisServices {
  const recorder = new RunRecorder(d.db, d.version);
  const stages = new Stages(d.inference);
  const runner = new AnalysisRunner({
    dataDir: d.dataDir,
    sessions: d.sessions,
    recorder,
    events: d.events,
    stages: d.offlineStages ?? registeredStages(d.db, stages, d.inference),
  });
  const uploads = new ImportUploads({ db: d.db, dataDir: d.dataDir, sessions: d.sessions, consent: d.consent, media: d.media });
  return {
    recorder,
    runs: recorder.runs,
    fused: recorder.fused,
    episodes: recorder.episodes,
    stages,
    runner,
    uploads,
    close: async () => {
      uploads.abortAll();
      await runner.close();
    },
  };
}
