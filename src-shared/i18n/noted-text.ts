/**
 * A note carried inside a plain text field that was made for English words (a BullMQ job's failedReason, a row's
 * `error` column): the English sentence first, so a person reading Redis or an older Affect Studio still
 * understands it, then a last line `[affect-note/1] {"key":…,"vars":{…}}` from which a client words it in its own
 * language.
 *
 * Such text may come from another machine (a lab worker writes failedReason through Redis, and anyone who can
 * write to that Redis can write it too), so reading it trusts nothing: the note must fit in a few KiB, name an
 * entry this build has within the families the caller accepts, and carry only short strings and numbers; values
 * that are catalogue keys themselves (`…Key`, `…Keys`) only where the caller accepts them, and only keys of the
 * families it names. Anything else is plain text, shown as it came (its first words, without the unreadable note).
 */
import type { Note } from './notes.js';
import { noteEnglish } from './notes.js';
import { isKey } from './errors.js';

const MARK = '\n[affect-note/1] ';

/** The longest note line read, the most values, the longest value (characters). */
const MAX_NOTE_JSON = 4096;
const MAX_VARS = 16;
export const MAX_VALUE_CHARS = 500;
/** Plain text is shown up to this length. */
export const MAX_PLAIN_CHARS = 500;

/** Which notes a reader accepts: entries by key prefix, and which (if any) may be named by `…Key`/`…Keys` values. */
export interface NoteFamilies {
  keys: readonly string[];
  nested: readonly string[];
}

/** The text with its note: English first, the note on its last line. */
export function textWithNote(n: Note): string {
  return `${noteEnglish(n)}${MARK}${JSON.stringify({ key: n.key, ...(n.vars ? { vars: n.vars } : {}) })}`;
}

/** A value that fits the limits, cut with "…" (a tool's message, an issue list) so that a note carrying it stays readable. */
export function shortValue(s: string, max = MAX_VALUE_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

const inFamily = (key: string, prefixes: readonly string[]): boolean => prefixes.some((p) => key === p || (p.endsWith('.') && key.startsWith(p)));

/** The note, checked against the families; null when it is not one this reader may word. */
export function checkedNote(raw: unknown, families: NoteFamilies): Note | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const { key, vars, ...rest } = raw as { key?: unknown; vars?: unknown };
  if (Object.keys(rest).length || typeof key !== 'string' || key.length > 200 || !inFamily(key, families.keys) || !isKey(key)) return null;
  if (vars === undefined) return { key };
  if (!vars || typeof vars !== 'object' || Array.isArray(vars)) return null;
  const entries = Object.entries(vars as Record<string, unknown>);
  if (entries.length > MAX_VARS) return null;
  const out: Record<string, string | number> = {};
  for (const [name, value] of entries) {
    if (!/^[A-Za-z][A-Za-z0-9]{0,39}$/.test(name)) return null;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return null;
    } else if (typeof value !== 'string' || value.length > MAX_VALUE_CHARS) return null;
    if (/Keys?$/.test(name) && !nestedOk(name, value, families.nested)) return null;
    out[name] = value;
  }
  return { key, vars: out };
}

function nestedOk(name: string, value: string | number, nested: readonly string[]): boolean {
  if (typeof value !== 'string') return false;
  const keys = name.endsWith('Keys') ? value.split(',').filter(Boolean) : value ? [value] : [];
  return keys.length <= MAX_VARS && keys.every((k) => inFamily(k, nested) && isKey(k));
}

/**
 * A text field that may carry a note: `note` when it carries one this reader accepts; `text` is the English to
 * show otherwise (the words before an unreadable note, cut to MAX_PLAIN_CHARS), or the note's own English.
 */
export function readNotedText(text: string, families: NoteFamilies): { text: string; note: Note | null } {
  const at = text.lastIndexOf(MARK);
  if (at < 0) return { text: shortValue(text, MAX_PLAIN_CHARS), note: null };
  const line = text.slice(at + MARK.length);
  let n: Note | null = null;
  if (line.length <= MAX_NOTE_JSON) {
    try {
      n = checkedNote(JSON.parse(line), families);
    } catch {
      n = null;
    }
  }
  return n ? { text: noteEnglish(n), note: n } : { text: shortValue(text.slice(0, at), MAX_PLAIN_CHARS), note: null };
}

/** The English words of such a text (for logs): the text without its note line. */
export function textOnly(text: string): string {
  const at = text.lastIndexOf(MARK);
  return at < 0 ? text : text.slice(0, at);
}
