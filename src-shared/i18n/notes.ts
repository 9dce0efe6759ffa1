/**
 * Notes: what the core says about a piece of work that went on without a request (a queue item that failed,
 * a clip that needed a playable copy), kept as catalogue entries with their values so each client words
 * them in its own language, at any later time. Technical text from a tool (ffmpeg's last line) travels as a
 * value, as it is.
 */
import { ApiError, type MessageRef } from '../errors.js';
import { isKey, messageIn } from './errors.js';
import { translator, type Locale, type MessageKey } from './i18n.js';

export type Note = MessageRef;

export function note(key: MessageKey, vars?: Record<string, string | number>): Note {
  return vars ? { key, vars } : { key };
}

/** The name a value takes in the message (`doingKey` and `doingKeys` are worded as `doing`; see messageIn). */
const wordedName = (name: string): string => (name.endsWith('Keys') && name.length > 4 ? name.slice(0, -4) : name.endsWith('Key') && name.length > 3 ? name.slice(0, -3) : name);

/**
 * A note whose value `slot` is another note, worded in the same language as it ("The lab workers could not
 * analyse this clip (job 3): refused by lab-pc-2: …"): the inner note's entry goes in as `<slot>Key` and its
 * values beside the outer ones. Values share one namespace, so where a name would clash the inner note goes in
 * as its English text instead (still right, only not translated).
 */
export function nestNote(key: MessageKey, vars: Record<string, string | number>, slot: string, inner: Note): Note {
  const taken = new Set([slot, ...Object.keys(vars).map(wordedName)]);
  const innerVars = inner.vars ?? {};
  const clash = Object.keys(innerVars).some((n) => taken.has(wordedName(n)) || n === `${slot}Key` || n === `${slot}Keys`);
  if (!isKey(inner.key) || clash) return note(key, { ...vars, [slot]: noteEnglish(inner) });
  return note(key, { ...vars, ...innerVars, [`${slot}Key`]: inner.key });
}

/** A note's English text (logs, the command line, clients that do not translate). */
export function noteEnglish(n: Note): string {
  return isKey(n.key) ? messageIn('en', n.key, n.vars) : n.key;
}

/** Several notes in English, one sentence after the other; null for none. */
export function notesEnglish(notes: readonly Note[]): string | null {
  return notes.length ? notes.map(noteEnglish).join('; ') : null;
}

/** Notes in `locale`; null when one names an entry this build lacks (then show the English sent with them). */
export function localizeNotes(locale: Locale, notes: readonly Note[]): string | null {
  if (!notes.every((n) => isKey(n.key))) return null;
  const t = translator(locale);
  return notes.map((n) => messageIn(locale, n.key as MessageKey, n.vars)).join(t('corpus.note.separator'));
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
