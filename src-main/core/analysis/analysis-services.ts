/** Everything the analysis, import and export requests use, built once per core over its database. */
import type { EventBus } from '../event-bus.js';
import type { InferenceService } from '../inference/inference-service.js';
import type { ImportDeps } from '../media/import-media.js';
import { ImportUploads } from '../media/import-upload.js';
import { AnalysisRunsRepo } from '../store/analysis-runs-repo.js';
import type { Db } from '../store/database.js';
import { EpisodesRepo } from '../store/episodes-repo.js';
import { FusedRepo } from '../store/fused-repo.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { type AnalyzerFactory, AnalysisRunner } from './analysis-runner.js';
import { mediaAnalyzers } from './media-analyzers.js';

export interface AnalysisServices {
  runs: AnalysisRunsRepo;
  fused: FusedRepo;
  episodes: EpisodesRepo;
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
  /** Tests replace the model-backed analyzers. */
  analyzers?: AnalyzerFactory;
  /** Refuses an imported clip the session's participant has not consented to (ImportDeps.consent). */
  consent?: ImportDeps['consent'];
  /** The data folder's media store (ImportDeps.media). */
  media?: ImportDeps['media'];
}

export function createAnalysisServices(d: AnalysisServicesDeps): AnalysisServices {
  const runs = new AnalysisRunsRepo(d.db);
  const fused = new FusedRepo(d.db);
  const episodes = new EpisodesRepo(d.db);
  const runner = new AnalysisRunner({
    db: d.db,
    dataDir: d.dataDir,
    version: d.version,
    sessions: d.sessions,
    runs,
    fused,
    episodes,
    events: d.events,
    analyzers: d.analyzers ?? mediaAnalyzers(d.db, d.inference),
  });
  const uploads = new ImportUploads({ db: d.db, dataDir: d.dataDir, sessions: d.sessions, consent: d.consent, media: d.media });
  return {
    runs,
    fused,
    episodes,
    runner,
    uploads,
    close: async () => {
      uploads.abortAll();
      await runner.close();
    },
  };
}
