/** Plain words for audit entries in the Audit view (the trail itself holds only action names and ids). */
import type { AuditEntryView } from '../../../src-shared/governance.js';
import { CATALOGUES, type MessageKey } from '../../../src-shared/i18n/i18n.js';
import { t } from '../i18n/i18n.js';

/** Actions the catalogue words (auditAction.<action with _ for .>); an action this version does not know reads as its name. */
const KNOWN = new Set(Object.keys((CATALOGUES.en as { auditAction: Record<string, string> }).auditAction));

export function describeAction(action: string): string {
  const key = action.replace(/\./g, '_');
  return KNOWN.has(key) ? t(`auditAction.${key}` as MessageKey) : action;
}

/** The entry's detail as short "key: value" text; lists of ids are joined. */
export function describeDetail(detail: AuditEntryView['detail']): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'boolean' ? (v ? t('auditView.yes') : t('auditView.no')) : String(v)}`)
    .join(' · ');
}
