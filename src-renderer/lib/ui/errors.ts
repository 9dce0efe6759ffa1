import { ApiError } from '../../../src-shared/errors.js';
import { localizeMessage } from '../../../src-shared/i18n/errors.js';
import { locale } from '../i18n/i18n.js';

/**
 * The message to show for a failed request: the core's own words, in the interface's language where the core
 * names a catalogue entry (or sends a catalogue message). For invalid input only the first problem per field
 * is shown (an empty code is "empty", not also "wrongly formatted").
 */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError && e.issues?.length) return Object.values(fieldErrors(e)).join('; ') || localizeMessage(locale(), e.message, e.i18n);
  if (e instanceof ApiError) return localizeMessage(locale(), e.message, e.i18n);
  return e instanceof Error ? e.message : String(e);
}

/** Field-level messages from an invalid_input error, keyed by the input field name. */
export function fieldErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (e instanceof ApiError) for (const i of e.issues ?? []) if (!((i.path || '_') in out)) out[i.path || '_'] = localizeMessage(locale(), i.message);
  return out;
}
