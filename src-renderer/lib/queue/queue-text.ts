import type { QueueJobState, QueueJobView, QueueStatus } from '../../../src-shared/contract/queue.js';

/** Each job state in the words the queue panel uses. */
export const JOB_STATE_WORDS: Readonly<Record<QueueJobState, string>> = {
  waiting: 'Waiting',
  retrying: 'Waiting to retry',
  active: 'Analysing',
  finished: 'Done, storing…',
  done: 'Done',
  failed: 'Failed',
  lost: 'Lost by the queue',
};

/** "3 waiting · 2 active · 10 done · 1 failed" (lost jobs only when there are some). */
export function countsLine(c: QueueStatus['counts']): string {
  const parts = [`${c.waiting} waiting`, `${c.active} active`, `${c.done} done`, `${c.failed} failed`];
  if (c.lost) parts.push(`${c.lost} lost`);
  return parts.join(' · ');
}

/** What a job row says beside its state: the worker and progress, or the reason it failed. */
export function jobDetail(j: QueueJobView): string {
  if (j.state === 'failed' || j.state === 'retrying') return j.error ?? '';
  if (j.state === 'lost') return 'Redis no longer knows this job; send the session again';
  if (j.state === 'active') return `${j.worker ?? 'a worker'}, ${j.percent ?? 0}%`;
  if (j.state === 'done' || j.state === 'finished') return j.worker ?? '';
  return '';
}

/** Shares typed one per line as NAME=FOLDER; a line that is not one is reported by its number. */
export function parseSharesText(text: string): { shares: Array<{ name: string; folder: string }> } | { error: string } {
  const shares: Array<{ name: string; folder: string }> = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0 || eq === line.length - 1) return { error: `Line ${i + 1}: write NAME=FOLDER, e.g. corpus=/mnt/lab/corpus` };
    shares.push({ name: line.slice(0, eq).trim(), folder: line.slice(eq + 1).trim() });
  }
  return { shares };
}
