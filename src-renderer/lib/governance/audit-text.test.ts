import { describe, expect, it } from 'vitest';
import { describeAction, describeDetail } from './audit-text.js';

describe('audit entries in words', () => {
  it('names known actions in plain words and shows unknown ones as they are', () => {
    expect(describeAction('participant.delete')).toBe('Deleted a participant and all of their data');
    expect(describeAction('future.thing')).toBe('future.thing');
  });
  it('writes the detail as short key: value pairs', () => {
    expect(describeDetail({ sessions: 2, sessionIds: [4, 5], deidentified: true })).toBe('sessions: 2 · sessionIds: 4, 5 · deidentified: yes');
    expect(describeDetail({})).toBe('');
  });
});
