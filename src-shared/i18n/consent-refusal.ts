/**
 * A consent refusal as a catalogue entry ("Cannot export session 7: participant P01 has no consent for research use
 * of exported data."): what was being done, the missing scopes and why stay entries, so the reader's language
 * words all of them (see messageIn in errors.ts).
 */
import type { ConsentScope, ConsentState } from '../governance.js';
import type { MessageKey } from './i18n.js';

/** What the refused action was, completing "Cannot …" (catalogue: consent.doing). */
export type ConsentDoing = Extract<MessageKey, `consent.doing.${string}`>;

export function consentRefusalVars(code: string, state: ConsentState, missing: readonly ConsentScope[], doing: ConsentDoing, vars: Record<string, string | number> = {}): Record<string, string | number> {
  const whyKey = state.status === 'not_recorded' ? 'consent.whyNotRecorded' : state.status === 'withdrawn' ? 'consent.whyWithdrawn' : '';
  return { ...vars, code, doingKey: doing, scopesKeys: missing.map((s) => `consent.scope.${s}`).join(','), whyKey };
}
