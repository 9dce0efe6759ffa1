/**
 * Stores a worker's result bundle as an analysis run of the submitting session, as if it had been analysed here:
 * the run is opened with the bundle's settings and media duration, records the worker's models and provider, gets
 * the observation rows, and is fused here (fused timeline and episodes) and closed complete. Call inside the
 * transaction that also marks the job done, so a result is stored exactly once or not at all.
 */
import type { AnalysisRun, RunModel } from '../../../src-shared/analysis.js';
import { note, type Note } from '../../../src-shared/i18n/notes.js';
import { shortValue } from '../../../src-shared/i18n/noted-text.js';
import type { RunRecorder } from '../analysis/run-recorder.js';
import type { Db } from '../store/database.js';
import { writeRunRows } from '../store/run-rows-repo.js';
import type { ResultBundle } from './bundle.js';
import type { JobModel } from './job.js';

export interface BundleStoreDeps {
  db: Db;
  version: string;
  recorder: RunRecorder;
}

/** Why a bundle does not belong to the job it came back for (labJob.result.*), or null. */
export function bundleMismatch(b: ResultBundle, job: { jobId: string; folder: string; sessionId: number; mediaFileId: number; clipSha256: string; models: readonly JobModel[] }, version: string): Note | null {
  if (b.jobId !== job.jobId || b.folder !== job.folder) return note('labJob.result.otherJob', { got: shortValue(b.jobId), expected: job.jobId });
  if (b.sessionId !== job.sessionId || b.mediaFileId !== job.mediaFileId) return note('labJob.result.otherSession', { gotSession: b.sessionId, gotMedia: b.mediaFileId, session: job.sessionId, media: job.mediaFileId });
  if (b.clipSha256 !== job.clipSha256) return note('labJob.result.otherBytes');
  if (b.run.softwareVersion !== version) return note('labJob.result.otherVersion', { ran: shortValue(b.run.softwareVersion), here: version });
  const unknown = b.run.models.filter((m: RunModel) => !job.models.some((j) => j.id === m.id && j.sha256 === m.sha256));
  if (unknown.length) return note('labJob.result.otherModels', { models: shortValue(unknown.map((m) => `${m.id}@${m.sha256.slice(0, 12)}…`).join(', ')) });
  return null;
}

/** Opens the run through the run recorder (as every run is), stores the rows, fuses them here and closes it complete. */
export function storeBundle(d: BundleStoreDeps, b: ResultBundle): AnalysisRun {
  const { recorder } = d;
  const run = recorder.open({ sessionId: b.sessionId, mediaFileId: b.mediaFileId, mode: 'offline', params: b.run.params, mediaDurationMs: b.run.mediaDurationMs });
  recorder.recordModels(run.id, { models: b.run.models, provider: b.run.provider, providerDetail: b.run.providerDetail });
  writeRunRows(d.db, run.id, b.tables);
  for (const [name, doneMs] of Object.entries(b.run.modalityProgress)) if (doneMs !== null) recorder.runs.setProgress(run.id, { modality: { name, doneMs } });
  const fused = recorder.fuse(run.id, b.run.mediaDurationMs);
  recorder.runs.setProgress(run.id, { progressMs: fused?.extentMs ?? 0 });
  return recorder.close(run.id, 'complete', null);
}
