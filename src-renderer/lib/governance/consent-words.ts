import { CONSENT_SCOPES, type ConsentScope, type ConsentState } from '../../../src-shared/governance.js';
import { locale, t } from '../i18n/i18n.js';

/** "Consent: video recording, audio recording" / "Consent not recorded" / "Consent withdrawn". */
export function consentSummary(c: ConsentState): string {
  if (c.status === 'not_recorded') return t('consent.notRecorded');
  if (c.status === 'withdrawn') return t('consent.withdrawn');
  const given = scopeList(CONSENT_SCOPES.filter((s) => c.scopes[s]));
  return given ? t('consent.given', { scopes: given }) : t('consent.nothing');
}

/** Consent scopes in words, listed the way the language lists things. */
export function scopeList(scopes: readonly ConsentScope[], type: 'conjunction' | 'unit' = 'unit'): string {
  return new Intl.ListFormat(locale(), { type, style: 'long' }).format(scopes.map((s) => t(`consent.scope.${s}`)));
}

/** Why a capture or action is refused, as consentRefusal words it in the core, in the interface's language. */
export function consentRefusalText(code: string, state: ConsentState, missing: readonly ConsentScope[], doing: string): string {
  const why = state.status === 'not_recorded' ? t('consent.whyNotRecorded') : state.status === 'withdrawn' ? t('consent.whyWithdrawn') : '';
  return t('consent.refusal', { doing, code, scopes: scopeList(missing, 'conjunction'), why });
}

export function todayLocal(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
