import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Result } from '../../src-shared/errors.js';
import { acquireDataLock } from './config/data-lock.js';
import type { CoreServices } from './core-services.js';
import { EventBus } from './event-bus.js';
import { participantHandlers } from './handlers/participants.js';
import { recordingAudit, recordingHandlers } from './handlers/recording.js';
import { sessionHandlers } from './handlers/sessions.js';
import { settingsHandlers } from './handlers/settings.js';
import { analysisHandlers } from './handlers/analysis.js';
import { liveHandlers } from './handlers/live.js';
import { framingHandlers } from './handlers/framing.js';
import { LiveAnalysis } from './analysis/live-analysis.js';
import { createAnalysisServices } from './analysis/analysis-services.js';
import { labelHandlers } from './handlers/labels.js';
import { reviewHandlers } from './handlers/review.js';
import { sessionSearchHandlers } from './handlers/session-search.js';
import { reportHandlers } from './handlers/report.js';
import { trendsHandlers } from './handlers/trends.js';
import { LabelsRepo } from './store/labels-repo.js';
import { ReviewTimelineRepo } from './store/review-timeline-repo.js';
import { TimelineQuery } from './review/timeline-query.js';
import { InferenceService } from './inference/inference-service.js';
import type { ProviderPreference } from './inference/providers.js';
import { ensureDiskReserve } from './recording/disk-space.js';
import { RecordingManager } from './recording/recording-manager.js';
import { type CallContext, dispatch, type Handlers } from './rpc/dispatch.js';
import { openDatabase } from './store/database.js';
import { ParticipantsRepo } from './store/participants-repo.js';
import { SessionsRepo } from './store/sessions-repo.js';
import { SettingsRepo } from './store/settings-repo.js';
import { APP_VERSION } from './version.js';
import { ClearMediaStore, EncryptedMediaStore, type MediaStore } from './crypto/media-store.js';
import { mountMedia } from './crypto/media-mounts.js';
import { hasKeyFile, type FolderKeys } from './vault/key-file.js';
import { bareVaultHandlers } from './handlers/vault-bare.js';
import { OperatorsRepo } from './store/operators-repo.js';
import { ConsentRepo } from './store/consent-repo.js';
import { OperatorSessions } from './governance/operator-sessions.js';
import { Auditor } from './handlers/audit-writer.js';
import { Deletion } from './governance/deletion.js';
import { importConsent } from './governance/consent-check.js';
import { renameLegacyImports } from './governance/legacy-media-names.js';
import { governanceHandlers } from './handlers/governance.js';
import { createMediaServices } from './media/media-services.js';
import { removeUnfinishedMediaFiles } from './media/session-media-file.js';
import { mediaHandlers } from './handlers/media.js';
import { batchHandlers } from './handlers/batch.js';
import { BatchQueue } from './batch/batch-queue.js';
import { BatchInbox } from './batch/batch-inbox.js';
import { registerExecutors } from './batch/executors.js';
import { BatchRepo } from './store/batch-repo.js';
import { batchExporter } from './export/batch-exporter.js';
import { queueHandlers } from './handlers/queue.js';
import { LabQueue } from './queue/lab-queue.js';
import { QueueJobsRepo } from './store/queue-jobs-repo.js';

export interface AppCore {
  readonly services: CoreServices;
  handle(method: unknown, input: unknown, ctx: CallContext): Promise<Result<unknown>>;
  /** A renderer connection ended: recordings it owned are finalized as recovered. */
  clientGone(clientId: string, why: string): Promise<void>;
  close(): Promise<void>;
}

export interface CoreOptions {
  dataDir: string;
  /** Skip the one-process-per-data-folder lock (tests that open a folder twice on purpose). */
  noLock?: boolean;
  /** Execution provider preference for model inference (CLI --provider); default: per-platform order. */
  provider?: ProviderPreference;
  /** The unlocked keys of an encrypted folder (vault/app-host.ts unlocks them); none for a clear folder. */
  keys?: FolderKeys | null;
  /** Where events go (the app host keeps one bus across lock and unlock); default: a bus of the core's own. */
  events?: EventBus;
}

export class FolderLockedError extends Error {}

/** chmod where the platform has modes; a file that does not exist (yet) is skipped. */
function privateMode(p: string, mode: number): void {
  if (process.platform !== 'win32' && existsSync(p)) chmodSync(p, mode);
}

/**
 * Builds the whole application core over one data folder: database (migrated), repositories, recording
 * sink, handlers. Imports nothing from electron; Electron main, the browser-mode server and the CLI all use it.
 */
export async function createCore(opts: CoreOptions): Promise<AppCore> {
  const dataDir = path.resolve(opts.dataDir);
  // Participants' recordings: the folder and what is in it belong to this user alone.
  mkdirSync(path.join(dataDir, 'sessions'), { recursive: true, mode: 0o700 });
  for (const dir of [dataDir, path.join(dataDir, 'sessions')]) privateMode(dir, 0o700);
  const encrypted = hasKeyFile(dataDir);
  if (encrypted && !opts.keys) throw new FolderLockedError(`The data folder ${dataDir} is encrypted: unlock it with its passphrase first`);
  if (!encrypted && opts.keys) throw new Error(`The data folder ${dataDir} has no key file; set up encryption through the app host`);
  const releaseLock = opts.noLock ? () => {} : acquireDataLock(dataDir);
  let db;
  try {
    db = openDatabase(path.join(dataDir, 'affect-studio.sqlite'), undefined, { key: opts.keys?.databaseKey() });
    // SQLite creates -wal and -shm with the database file's mode, so 0600 here covers them too.
    for (const f of ['affect-studio.sqlite', 'affect-studio.sqlite-wal', 'affect-studio.sqlite-shm']) privateMode(path.join(dataDir, f), 0o600);
  } catch (e) {
    releaseLock();
    throw e;
  }
  ensureDiskReserve(dataDir);
  const media: MediaStore = opts.keys ? new EncryptedMediaStore(opts.keys.mediaKey()) : new ClearMediaStore();
  const unmountMedia = mountMedia(dataDir, media);
  const events = opts.events ?? new EventBus();
  const sessions = new SessionsRepo(db);
  const participants = new ParticipantsRepo(db);
  const operators = new OperatorsRepo(db);
  const operatorSessions = new OperatorSessions(operators, dataDir);
  const recordings = new RecordingManager(db, sessions, dataDir, {
    sessionChanged: (s) => events.emit('session.changed', s),
    progress: (p) => events.emit('recording.progress', p),
  }, recordingAudit(db), media);
  let inference: Promise<InferenceService> | null = null;
  const startInference = (): Promise<InferenceService> => {
    inference ??= InferenceService.start({ provider: opts.provider });
    return inference;
  };
  const analysis = createAnalysisServices({ db, dataDir, version: APP_VERSION, sessions, events, inference: startInference, consent: importConsent(participants, sessions), media });
  const live = new LiveAnalysis({ db, sessions, recordings, recorder: analysis.recorder, stages: analysis.stages, events, inference: startInference });
  const timeline = new ReviewTimelineRepo(db);
  const settings = new SettingsRepo(db);
  const services: CoreServices = {
    version: APP_VERSION,
    dataDir,
    db,
    mediaStore: media,
    participants,
    sessions,
    settings,
    recordings,
    events,
    analysis,
    live,
    labels: new LabelsRepo(db),
    timeline,
    timelineQuery: new TimelineQuery(timeline),
    inference: startInference,
    operators,
    consent: new ConsentRepo(db),
    operatorSessions,
    audit: new Auditor(db, operatorSessions),
    deletion: new Deletion({ db, dataDir, sessions, participants, runs: analysis.runs, runner: analysis.runner, recordings }),
    media: createMediaServices({ db, dataDir, sessions, settings, events }),
    queue: new LabQueue({ db, dataDir, version: APP_VERSION, sessions, settings, jobs: new QueueJobsRepo(db), recorder: analysis.recorder }),
  };
  removeUnfinishedMediaFiles(dataDir);
  // Finish what an interrupted deletion left (its rows are gone, its folders not yet) and rename clips imported
  // before original file names stopped being kept.
  services.deletion.removePendingFiles();
  await renameLegacyImports(db, dataDir);
  // The Sessions view's work queue: picks up where it stopped (after the runner marked interrupted runs).
  const queue = new BatchQueue({
    db,
    dataDir,
    sessions,
    participants,
    repo: new BatchRepo(db),
    inbox: new BatchInbox(dataDir),
    media: services.media,
    executors: registerExecutors(services),
    exporter: batchExporter({ db, sessions, runs: analysis.runs, fused: analysis.fused, episodes: analysis.episodes }, dataDir),
    events,
    audit: (operatorId, e) => void services.audit.onBehalfOf(operatorId, e),
  });
  events.subscribe((name) => {
    if (name === 'sessions.deleted') queue.forgetDeleted();
  });
  const handlers: Handlers = {
    ...participantHandlers(services),
    ...sessionHandlers(services),
    ...recordingHandlers(services),
    ...settingsHandlers(services),
    ...analysisHandlers(services),
    ...labelHandlers(services),
    ...reviewHandlers(services),
    ...sessionSearchHandlers(services),
    ...liveHandlers(services),
    ...bareVaultHandlers(services),
    ...reportHandlers(services),
    ...trendsHandlers(services),
    ...governanceHandlers(services),
    ...framingHandlers(services),
    ...mediaHandlers(services),
    ...batchHandlers(services, queue),
    ...queueHandlers(services),
  };

  const recovered = await recordings.recoverInterrupted();
  for (const s of recovered) {
    events.emit('notice', { level: 'warning', message: `Session ${s.id} (${s.participantCode}) was interrupted while recording and has been recovered.` });
  }

  let closed = false;
  return {
    services,
    handle: (method, input, ctx) => dispatch(handlers, method, input, ctx),
    clientGone: async (clientId, why) => {
      await recordings.abandonOwner(clientId, why);
      operatorSessions.forget(clientId);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // Recordings first: finalizing them closes and fuses their live runs.
      await recordings.stopAll('The application was closed while recording; everything written before that was kept');
      // The queue's item in progress stops where it is (resumed at the next start) before its analysis is cancelled.
      await queue.close();
      live.close();
      await services.queue.close();
      await services.analysis.close();
      if (inference) await inference.then((svc) => svc.close(), () => undefined);
      unmountMedia();
      await media.close();
      db.close();
      releaseLock();
    },
  };
}
