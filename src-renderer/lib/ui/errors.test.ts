import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/errors.js';
import { errorMessage, fieldErrors } from './errors.js';

describe('errorMessage', () => {
  it('shows only the first problem per field, in the core\'s words', () => {
    const e = new ApiError('invalid_input', 'code: empty; code: format', [
      { path: 'code', message: 'Participant code must not be empty' },
      { path: 'code', message: 'Use letters, digits…' },
    ]);
    expect(errorMessage(e)).toBe('Participant code must not be empty');
    expect(fieldErrors(e)).toEqual({ code: 'Participant code must not be empty' });
  });

  it('shows the message of errors without field issues', () => {
    expect(errorMessage(new ApiError('conflict', 'Participant code "P1" already exists'))).toBe('Participant code "P1" already exists');
    expect(errorMessage(new Error('boom'))).toBe('boom');
  });
});

describe('errorMessage in the interface language', () => {
  it('words the core’s catalogue messages in Chinese: named entries and schema messages alike', async () => {
    const { setLanguage } = await import('../i18n/i18n.js');
    const { apiError } = await import('../../../src-shared/i18n/errors.js');
    const { participantCodeSchema } = await import('../../../src-shared/domain.js');
    setLanguage('zh-CN');
    try {
      expect(errorMessage(apiError('conflict', 'errors.participantCode.duplicate', { code: 'P1' }))).toBe('受试者编号“P1”已存在');
      const empty = participantCodeSchema.safeParse('').error!.issues[0].message;
      expect(errorMessage(new ApiError('invalid_input', `code: ${empty}`, [{ path: 'code', message: empty }]))).toBe('受试者编号不能为空');
      // A message that is no catalogue entry is shown as the core sent it.
      expect(errorMessage(new ApiError('internal', 'disk full'))).toBe('disk full');
    } finally {
      setLanguage('system');
    }
  });
});
