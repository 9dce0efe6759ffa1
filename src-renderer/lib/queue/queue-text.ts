import type { QueueJobState, QueueJobView, QueueStatus } from '../../../src-shared/contract/queue.js';
import { t } from '../i18n/i18n.js';
import { notesText } from '../ui/notes.js';

/** A job state in the interface's words. */
export function jobStateWord(s: QueueJobState): string {
  return t(`labQueue.state.${s}`);
}

/** Why the queue cannot be read now, in the interface's language; '' when it can. */
export function queueError(st: Pick<QueueStatus, 'error' | 'errorNote'>): string {
  return notesText(st.errorNote ? [st.errorNote] : [], st.error);
}

/** "3 waiting · 2 active · 10 done · 1 failed" (lost jobs only when there are some). */
export function countsLine(c: QueueStatus['counts']): string {
  return c.lost ? t('labQueue.countsLost', c) : t('labQueue.counts', c);
}

/** What a job row says beside its state: the worker and progress, or the reason it failed. */
export function jobDetail(j: QueueJobView): string {
  if (j.state === 'failed' || j.state === 'retrying') return notesText(j.errorNote ? [j.errorNote] : [], j.error);
  if (j.state === 'lost') return t('labQueue.lostDetail');
  if (j.state === 'active') return t('labQueue.activeDetail', { worker: j.worker ?? t('labQueue.aWorker'), percent: j.percent ?? 0 });
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
    if (eq <= 0 || eq === line.length - 1) return { error: t('labQueue.sharesLine', { line: i + 1 }) };
    shares.push({ name: line.slice(0, eq).trim(), folder: line.slice(eq + 1).trim() });
  }
  return { shares };
}
