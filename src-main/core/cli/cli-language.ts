/**
 * The language of `affect`'s messages: the system's, as POSIX tools read it (LC_ALL, then LC_MESSAGES, then
 * LANG), else what the platform's Intl reports (Windows and macOS). Machine-readable output (the
 * tab-separated result lines, CSV column names) stays the same in every language.
 */
import { matchLocale, translator, type Locale, type Translate } from '../../../src-shared/i18n/i18n.js';

export function systemLocale(env: NodeJS.ProcessEnv = process.env): Locale {
  const posix = [env.LC_ALL, env.LC_MESSAGES, env.LANG].filter((v): v is string => !!v && v !== 'C' && v !== 'POSIX' && !/^C\./.test(v));
  return matchLocale([...posix, Intl.DateTimeFormat().resolvedOptions().locale]);
}

let cached: Translate | null = null;

/** A CLI message in the system's language. */
export const ct: Translate = (key, vars) => (cached ??= translator(systemLocale()))(key, vars);
