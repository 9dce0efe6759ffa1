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
