/**
 * Why a lab job failed, as a note (src-shared/i18n/notes.ts) so the queue panel, a batch item and `affect batch
 * status` word it in the reader's language. The worker puts its note into the failure reason BullMQ keeps in
 * Redis (English first, the note on the last line: src-shared/i18n/noted-text.ts); the submitter reads it back
 * trusting only a worker's own entries (labJob.worker.*, errors.share.*, plain values), and stores every reason in
 * the job row's `error` column the same way, so it can be worded again in any language later.
 */
import { note, type Note, noteEnglish } from '../../../src-shared/i18n/notes.js';
import { type NoteFamilies, readNotedText, shortValue, textWithNote } from '../../../src-shared/i18n/noted-text.js';

/** What a worker (or whoever writes to the lab's Redis) may say: its refusals and share problems, no nested entries. */
export const WORKER_NOTES: NoteFamilies = { keys: ['labJob.worker.', 'errors.share.'], nested: [] };

/**
 * What the submitter itself stores in a job row: a worker's notes (checked when they came in), its own reasons
 * (labJob.*), which may name a consent refusal or another reason of these families.
 */
export const STORED_NOTES: NoteFamilies = { keys: ['labJob.', 'errors.share.'], nested: ['labJob.', 'errors.share.', 'consent.'] };

/**
 * The failure reason a worker gives BullMQ (its English words, then the note); long values (a path on a share, a
 * list of problems) are cut to what the submitter accepts.
 */
export function workerReason(n: Note): string {
  const vars = n.vars && Object.fromEntries(Object.entries(n.vars).map(([k, v]) => [k, typeof v === 'string' ? shortValue(v) : v]));
  return textWithNote(vars ? { key: n.key, vars } : n);
}

/**
 * A failure reason read from Redis, as the note to store: the worker's note when it is one of its own, else the
 * words as they came (a tool's message, an older worker's English, a forged note) as a plain value.
 */
export function reasonFromRedis(failedReason: string | null | undefined): Note {
  if (!failedReason) return note('labJob.noReason');
  const r = readNotedText(failedReason, WORKER_NOTES);
  return r.note ?? note('labJob.asSent', { text: shortValue(r.text) });
}

/** The text a job row's `error` column holds for a reason. */
export const storedReason = (n: Note): string => textWithNote(n);

/** A job row's `error` (or a reason read from Redis, with `fromRedis`): its English and its note, if any. */
export function readReason(error: string | null, fromRedis = false): { text: string | null; note: Note | null } {
  if (error === null) return { text: null, note: null };
  if (fromRedis) {
    const n = reasonFromRedis(error);
    return { text: noteEnglish(n), note: n };
  }
  // Rows written before reasons were notes hold English only.
  return readNotedText(error, STORED_NOTES);
}

/** A failed job row's reason as a note (rows written before reasons were notes: their English as a value). */
export function failureOf(error: string | null): Note {
  const r = readReason(error);
  return r.note ?? (r.text ? note('labJob.asSent', { text: r.text }) : note('labJob.noReason'));
}
