/**
 * Messages the core sends to people (refusals, validation) come from the catalogues too: the core words them in
 * English (logs, other clients) and names the catalogue entry, so the interface and the CLI show them in their
 * own language. Validation messages of shared schemas are the English catalogue text; they are recognised by
 * that text.
 */
import { ApiError, type ErrorCode, type MessageRef } from '../errors.js';
import { CATALOGUES, translator, type Locale, type MessageKey, type MessageVars } from './i18n.js';

const english = translator('en');

/** A message's English text (a schema's validation message, or an error's message). */
export function enText(key: MessageKey, vars?: MessageVars): string {
  return english(key, vars);
}

/** An expected refusal, worded by the catalogues. */
export function apiError(code: ErrorCode, key: MessageKey, vars?: Record<string, string | number>, issues?: ApiError['issues']): ApiError {
  return new ApiError(code, english(key, vars), issues, { key, ...(vars ? { vars } : {}) });
}

/** English texts of the `errors` section (messages without values), to recognise schema messages. */
let byEnglish: Map<string, MessageKey> | null = null;
function keyOfEnglish(text: string): MessageKey | undefined {
  if (!byEnglish) {
    byEnglish = new Map();
    const walk = (node: unknown, prefix: string): void => {
      if (typeof node === 'string') {
        if (!node.includes('{{')) byEnglish!.set(node, prefix as MessageKey);
      } else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, prefix ? `${prefix}.${k}` : k);
    };
    walk((CATALOGUES.en as Record<string, unknown>).errors, 'errors');
  }
  return byEnglish.get(text);
}

/** Whether a key sent by the core is in this build's catalogue (a newer core may name one it lacks). */
export function isKey(key: string): key is MessageKey {
  const parts = key.split('.');
  const last = parts.pop()!;
  let node: unknown = CATALOGUES.en;
  for (const part of parts) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  if (!node || typeof node !== 'object') return false;
  const o = node as Record<string, unknown>;
  return typeof o[last] === 'string' || typeof o[`${last}_other`] === 'string';
}

/** A core message in `locale`: by its catalogue entry, else by recognising its English text, else as sent. */
export function localizeMessage(locale: Locale, message: string, ref?: MessageRef): string {
  if (ref && isKey(ref.key)) return translator(locale)(ref.key, ref.vars);
  const key = keyOfEnglish(message);
  return key ? translator(locale)(key) : message;
}
