/** Plain words for audit entries in the Audit view (the trail itself holds only action names and ids). */
import type { AuditEntryView } from '../../../src-shared/governance.js';

const ACTIONS: Readonly<Record<string, string>> = {
  'operator.create': 'Created an operator profile',
  'operator.update': 'Changed an operator profile',
  'operator.select': 'Started using the app',
  'participant.create': 'Added a participant',
  'participant.delete': 'Deleted a participant and all of their data',
  'consent.record': 'Recorded consent',
  'consent.withdraw': 'Recorded a withdrawal of consent',
  'session.create': 'Created a session',
  'session.view': 'Opened a session',
  'session.note': 'Edited a session note',
  'session.delete': 'Deleted a session',
  'retention.purge': 'Deleted a session past its retention date',
  'recording.start': 'Started recording',
  'recording.stop': 'Stopped recording',
  'recording.recover': 'Recovered an interrupted recording',
  'media.import': 'Imported a clip',
  'media.view': 'Opened a recording for playback',
  'analysis.start': 'Started an analysis',
  'analysis.cancel': 'Cancelled an analysis',
  'analysis.resume': 'Resumed an analysis',
  'analysis.delete': 'Deleted an analysis run',
  'label.tier.add': 'Added a rater tier',
  'label.tier.remove': 'Removed a rater tier',
  'label.apply': 'Edited labels',
  'label.vocabulary': 'Changed the label vocabulary',
  'label.export': 'Exported labels',
  'export.sessions': 'Exported analysis results',
  'settings.update': 'Changed settings',
  'audit.verify': 'Verified the audit trail',
  'audit.export': 'Exported the audit trail',
};

export function describeAction(action: string): string {
  return ACTIONS[action] ?? action;
}

/** The entry's detail as short "key: value" text; lists of ids are joined. */
export function describeDetail(detail: AuditEntryView['detail']): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`)
    .join(' · ');
}
