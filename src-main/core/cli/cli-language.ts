/**
 * The language of `affect`'s messages: the system's, as POSIX tools read it (LC_ALL, then LC_MESSAGES, then
 * LANG), else what the platform's Intl reports (Windows and macOS). Machine-readable output (the
 * tab-separated result lines, CSV column names) stays the same in every language.
 */
import type { ApiError } from '../../../src-shared/errors.js';
import { localizeMessage, messageIn } from '../../../src-shared/i18n/errors.js';
import { localizeNotes, type NotedError } from '../../../src-shared/i18n/notes.js';
import { matchLocale, translator, type Locale, type MessageKey, type Translate } from '../../../src-shared/i18n/i18n.js';

export function systemLocale(env: NodeJS.ProcessEnv = process.env): Locale {
  const posix = [env.LC_ALL, env.LC_MESSAGES, env.LANG].filter((v): v is string => !!v && v !== 'C' && v !== 'POSIX' && !/^C\./.test(v));
  return matchLocale([...posix, Intl.DateTimeFormat().resolvedOptions().locale]);
}

let cached: Translate | null = null;

/** A CLI message in the system's language. */
export const ct: Translate = (key, vars) => (cached ??= translator(systemLocale()))(key, vars);

/** A refusal from the core in the CLI's language (by the catalogue entry it names, else as sent). */
export function cliMessage(e: ApiError): string {
  return localizeMessage(systemLocale(), e.message, e.i18n);
}

/** A message whose values are catalogue entries themselves (see messageIn), in the CLI's language. */
export const cm = (key: MessageKey, vars?: Record<string, string | number>): string => messageIn(systemLocale(), key, vars);

/** A core error that carries its catalogue entry (NotedError), in the CLI's language. */
export const cliNoted = (e: NotedError): string => localizeNotes(systemLocale(), [e.note]) ?? e.message;
