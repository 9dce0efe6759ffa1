import { CONSENT_SCOPE_WORDS, CONSENT_SCOPES, type ConsentState } from '../../../src-shared/governance.js';

/** "Consent: video recording, audio recording" / "Consent not recorded" / "Consent withdrawn". */
export function consentSummary(c: ConsentState): string {
  if (c.status === 'not_recorded') return 'Consent not recorded';
  if (c.status === 'withdrawn') return 'Consent withdrawn';
  const given = CONSENT_SCOPES.filter((s) => c.scopes[s]).map((s) => CONSENT_SCOPE_WORDS[s]);
  return given.length ? `Consent: ${given.join(', ')}` : 'Consent: nothing';
}

export function todayLocal(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
