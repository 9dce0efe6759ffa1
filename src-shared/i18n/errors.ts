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

/**
 * Values that are words themselves stay catalogue entries until the message is worded, so each reader gets them in
 * their language: `<name>Key` holds one entry's key (worded with the same values; '' for none) and `<name>Keys` a
 * comma list of keys, listed the way the language lists things ("video recording and audio recording"). An entry
 * named that way may itself have such values (a lab job's failure whose reason is a consent refusal, which names
 * what was refused): each pass words one level more, until nothing changes.
 */
const MAX_NESTING = 4;
function wordedVars(locale: Locale, vars: Record<string, string | number>): Record<string, string | number> {
  const tr = translator(locale);
  let out: Record<string, string | number> = { ...vars };
  for (let pass = 0; pass < MAX_NESTING; pass++) {
    const next: Record<string, string | number> = { ...out };
    let changed = false;
    for (const [name, value] of Object.entries(vars)) {
      if (typeof value !== 'string') continue;
      let base: string;
      let worded: string;
      if (name.endsWith('Key') && name.length > 3) {
        base = name.slice(0, -3);
        worded = value && isKey(value) ? tr(value, out) : '';
      } else if (name.endsWith('Keys') && name.length > 4) {
        base = name.slice(0, -4);
        worded = new Intl.ListFormat(locale, { type: 'conjunction', style: 'long' }).format(value.split(',').filter(isKey).map((k) => tr(k, out)));
      } else continue;
      if (next[base] !== worded) changed = true;
      next[base] = worded;
    }
    out = next;
    if (!changed) break;
  }
  return out;
}

/** A message in `locale`, with its `…Key`/`…Keys` values worded in that language too. */
export function messageIn(locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  return translator(locale)(key, vars ? wordedVars(locale, vars) : undefined);
}

/** An expected refusal, worded by the catalogues. */
export function apiError(code: ErrorCode, key: MessageKey, vars?: Record<string, string | number>, issues?: ApiError['issues']): ApiError {
  return new ApiError(code, messageIn('en', key, vars), issues, { key, ...(vars ? { vars } : {}) });
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
  if (ref && isKey(ref.key)) return messageIn(locale, ref.key, ref.vars);
  const key = keyOfEnglish(message);
  return key ? translator(locale)(key) : message;
}
