import { describe, expect, it } from 'vitest';
import { NO_SCOPES } from '../../../src-shared/governance.js';
import { consentSummary } from './consent-words.js';

describe('consent in words', () => {
  it('says what is covered, or that nothing was recorded or it was withdrawn', () => {
    expect(consentSummary({ status: 'not_recorded', scopes: NO_SCOPES, version: null, retainUntil: null })).toBe('Consent not recorded');
    expect(consentSummary({ status: 'withdrawn', scopes: NO_SCOPES, version: 2, retainUntil: null })).toBe('Consent withdrawn');
    expect(consentSummary({ status: 'given', scopes: { ...NO_SCOPES, audio: true, research: true }, version: 1, retainUntil: null })).toBe(
      'Consent: audio recording, research use of exported data',
    );
  });
});
