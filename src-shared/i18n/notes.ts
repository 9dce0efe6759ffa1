/**
 * Notes: what the core says about a piece of work that went on without a request (a queue item that failed,
 * a clip that needed a playable copy), kept as catalogue entries with their values so each client words
 * them in its own language, at any later time. Technical text from a tool (ffmpeg's last line) travels as a
 * value, as it is.
 */
import { ApiError, type MessageRef } from '../errors.js';
import { enText, isKey } from './errors.js';
import { translator, type Locale, type MessageKey } from './i18n.js';

export type Note = MessageRef;

export function note(key: MessageKey, vars?: Record<string, string | number>): Note {
  return vars ? { key, vars } : { key };
}

/** A note's English text (logs, the command line, clients that do not translate). */
export function noteEnglish(n: Note): string {
  return isKey(n.key) ? enText(n.key, n.vars) : n.key;
}

/** Several notes in English, one sentence after the other; null for none. */
export function notesEnglish(notes: readonly Note[]): string | null {
  return notes.length ? notes.map(noteEnglish).join('; ') : null;
}

/** Notes in `locale`; null when one names an entry this build lacks (then show the English sent with them). */
export function localizeNotes(locale: Locale, notes: readonly Note[]): string | null {
  if (!notes.every((n) => isKey(n.key))) return null;
  const t = translator(locale);
  return notes.map((n) => t(n.key as MessageKey, n.vars)).join(t('corpus.note.separator'));
}

/** An error whose message is a note (its English text is the message). */
export class NotedError extends Error {
  constructor(readonly note: Note) {
    super(noteEnglish(note));
  }
}

/** What to say about an error: its own note or catalogue entry, else its text as a value. */
export function noteOfError(e: unknown): Note {
  if (e instanceof NotedError) return e.note;
  if (e instanceof ApiError && e.i18n) return e.i18n;
  return note('corpus.note.error', { detail: e instanceof Error ? e.message : String(e) });
}
