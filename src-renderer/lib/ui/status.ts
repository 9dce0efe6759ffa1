import type { SessionStatus } from '../../../src-shared/domain.js';
import { t } from '../i18n/i18n.js';

/** Words shown for each session status; 'recovered' and 'failed' must stand out, never look like success. */
export function statusLabel(status: SessionStatus): string {
  return t(`status.${status}`);
}
