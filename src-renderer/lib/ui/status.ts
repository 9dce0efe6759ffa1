import type { SessionStatus } from '../../../src-shared/domain.js';

/** Words shown for each session status; 'recovered' and 'failed' must stand out, never look like success. */
export const STATUS_LABELS: Record<SessionStatus, string> = {
  created: 'Not recorded',
  recording: 'Recording',
  completed: 'Completed',
  recovered: 'Recovered',
  failed: 'Failed',
};
