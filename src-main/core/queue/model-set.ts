/**
 * The models an analysis runs, as a job names them: the manifest's default model for each task the pipeline has.
 * Submitter and worker each compute it from their own manifest; a worker whose list differs (another model
 * chosen, another file under the same id) refuses the job, so a corpus is never analysed with a mix of models.
 */
import { defaultModelFor, type Manifest, MODEL_TASKS } from '../inference/manifest.js';
import type { JobModel } from './job.js';

export function pipelineModels(manifest: Manifest): JobModel[] {
  const out: JobModel[] = [];
  for (const task of MODEL_TASKS) {
    if (!manifest.models.some((m) => m.task === task)) continue; // the analysis runs without it (e.g. no voice emotion model)
    const m = defaultModelFor(manifest, task);
    out.push({ id: m.id, task: m.task, sha256: m.sha256 });
  }
  return out;
}

/** Why two model lists differ, in words naming each difference; null when they are the same. */
export function modelMismatch(submitter: readonly JobModel[], worker: readonly JobModel[]): string | null {
  const diffs: string[] = [];
  const tasks = [...new Set([...submitter.map((m) => m.task), ...worker.map((m) => m.task)])];
  for (const task of tasks) {
    const s = submitter.find((m) => m.task === task);
    const w = worker.find((m) => m.task === task);
    if (!w) diffs.push(`${task}: the submitter runs ${s!.id}, the worker has none`);
    else if (!s) diffs.push(`${task}: the worker runs ${w.id}, the submitter has none`);
    else if (s.id !== w.id) diffs.push(`${task}: the submitter runs ${s.id}, the worker ${w.id}`);
    else if (s.sha256 !== w.sha256) diffs.push(`${task}: ${s.id} differs (submitter sha256 ${s.sha256.slice(0, 12)}…, worker ${w.sha256.slice(0, 12)}…)`);
  }
  return diffs.length ? diffs.join('; ') : null;
}
