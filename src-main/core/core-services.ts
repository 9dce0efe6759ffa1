import type { RecordingManager } from './recording/recording-manager.js';
import type { Db } from './store/database.js';
import type { ParticipantsRepo } from './store/participants-repo.js';
import type { SessionsRepo } from './store/sessions-repo.js';
import type { SettingsRepo } from './store/settings-repo.js';
import type { EventBus } from './event-bus.js';
import type { InferenceService } from './inference/inference-service.js';

/** What request handlers may use. Built once by createCore. */
export interface CoreServices {
  version: string;
  dataDir: string;
  db: Db;
  participants: ParticipantsRepo;
  sessions: SessionsRepo;
  settings: SettingsRepo;
  recordings: RecordingManager;
  events: EventBus;
  /** The process-wide inference worker, started on first use and shared by live and offline analysis. */
  inference(): Promise<InferenceService>;
}
