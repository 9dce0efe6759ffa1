import type { RecordingManager } from './recording/recording-manager.js';
import type { Db } from './store/database.js';
import type { ParticipantsRepo } from './store/participants-repo.js';
import type { SessionsRepo } from './store/sessions-repo.js';
import type { SettingsRepo } from './store/settings-repo.js';
import type { EventBus } from './event-bus.js';
import type { AnalysisServices } from './analysis/analysis-services.js';
import type { LiveAnalysis } from './analysis/live-analysis.js';
import type { LabelsRepo } from './store/labels-repo.js';
import type { TimelineSource } from './review/timeline-source.js';
import type { TimelineQuery } from './review/timeline-query.js';
import type { InferenceService } from './inference/inference-service.js';
import type { MediaStore } from './crypto/media-store.js';
import type { OperatorsRepo } from './store/operators-repo.js';
import type { ConsentRepo } from './store/consent-repo.js';
import type { OperatorSessions } from './governance/operator-sessions.js';
import type { Auditor } from './handlers/audit-writer.js';
import type { Deletion } from './governance/deletion.js';
import type { MediaServices } from './media/media-services.js';
import type { LabQueue } from './queue/lab-queue.js';

/** What request handlers may use. Built once by createCore. */
export interface CoreServices {
  version: string;
  dataDir: string;
  db: Db;
  /** Session media: encrypted files in an encrypted folder, plain ones otherwise. */
  mediaStore: MediaStore;
  participants: ParticipantsRepo;
  sessions: SessionsRepo;
  settings: SettingsRepo;
  recordings: RecordingManager;
  events: EventBus;
  /** Analysis runs, fused timeline, episodes, clip import and CSV export. */
  analysis: AnalysisServices;
  /** Live face and voice analysis of sessions being captured. */
  live: LiveAnalysis;
  labels: LabelsRepo;
  timeline: TimelineSource;
  timelineQuery: TimelineQuery;
  /** The process-wide inference worker, started on first use and shared by live and offline analysis. */
  inference(): Promise<InferenceService>;
  operators: OperatorsRepo;
  consent: ConsentRepo;
  /** Which operator profile each connection chose. */
  operatorSessions: OperatorSessions;
  /** Audit entries under the calling operator's id. */
  audit: Auditor;
  deletion: Deletion;
  /** Playable copies of imported clips. */
  media: MediaServices;
  /** Lab workers: this data folder's jobs on the lab's BullMQ queue and their results. */
  queue: LabQueue;
}
