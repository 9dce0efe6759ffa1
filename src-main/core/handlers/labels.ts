import { ApiError } from '../../../src-shared/errors.js';
import type { Segment } from '../../../src-shared/labels/segments.js';
import type { CoreServices } from '../core-services.js';
import { computeAgreement, modelSamples } from '../labels/agreement.js';
import { labelsCsv, labelsCsvFileName } from '../labels/labels-csv.js';
import { pickRun } from '../review/timeline-query.js';
import { requireConsent } from '../governance/consent-check.js';
import type { Handlers } from '../rpc/dispatch.js';

type LabelMethods =
  | 'labels.get'
  | 'labels.addTier'
  | 'labels.removeTier'
  | 'labels.apply'
  | 'labels.setVocabulary'
  | 'labels.raters'
  | 'labels.exportCsv'
  | 'labels.agreement';

const plain = (s: Segment): Segment => ({ id: s.id, startMs: s.startMs, endMs: s.endMs, label: s.label, note: s.note });

/** Labels of a session whose media length is not known yet may reach this far (two days). */
export const MAX_UNKNOWN_SESSION_MS = 48 * 3600_000;
/** Slack past the media's end, for a segment closed on the last frame. */
const END_SLACK_MS = 1000;

/** How far into a session labels can reach: its media duration (plus slack), else MAX_UNKNOWN_SESSION_MS. */
function labelLimitMs(s: CoreServices, sessionId: number): number {
  const d = s.sessions.get(sessionId).durationMs;
  return d !== null && d > 0 ? d + END_SLACK_MS : MAX_UNKNOWN_SESSION_MS;
}

/**
 * Labelling requests. Every change is one SQLite transaction with its audit entry (which operator, which tier,
 * how many segments went and came, their ids), committed before the reply: what the rater saw saved is on disk.
 * Label texts and notes stay in the label tables, never in the audit trail.
 */
export function labelHandlers(s: CoreServices): Pick<Handlers, LabelMethods> {
  const { db, labels } = s;
  const mayExport = (sessionId: number) => requireConsent(s.participants, s.sessions.get(sessionId).participantId, ['research'], `export the labels of session ${sessionId}`);
  return {
    'labels.get': ({ sessionId }) => {
      s.sessions.get(sessionId);
      return { vocabulary: labels.vocabulary(), tiers: labels.tiers(sessionId) };
    },
    'labels.addTier': ({ sessionId, rater }, ctx) =>
      db
        .transaction(() => {
          const tier = labels.addTier(sessionId, rater);
          s.audit.write(ctx, { action: 'label.tier.add', sessionId, object: 'label_tier', objectId: tier.id });
          return tier;
        })
        .immediate(),
    'labels.removeTier': ({ tierId }, ctx) =>
      db
        .transaction(() => {
          const tier = labels.removeTier(tierId);
          s.audit.write(ctx, { action: 'label.tier.remove', sessionId: tier.sessionId, object: 'label_tier', objectId: tierId });
          return { removed: true as const };
        })
        .immediate(),
    'labels.apply': ({ tierId, action, changeset }, ctx) =>
      db
        .transaction(() => {
          const owner = labels.tier(tierId);
          const limit = labelLimitMs(s, owner.sessionId);
          const late = changeset.add.find((x) => x.endMs > limit);
          if (late) throw new ApiError('invalid_input', `A segment cannot end after the session (${(limit / 1000).toFixed(1)} s); this one ends at ${(late.endMs / 1000).toFixed(1)} s`);
          const tier = labels.applyInTransaction(tierId, changeset);
          s.audit.write(ctx, {
            action: 'label.apply',
            sessionId: tier.sessionId,
            object: 'label_tier',
            objectId: tierId,
            detail: { edit: action, removed: changeset.remove.length, added: changeset.add.length },
          });
          return tier;
        })
        .immediate(),
    'labels.setVocabulary': ({ items }, ctx) =>
      db
        .transaction(() => {
          const before = labels.vocabulary();
          const after = labels.setVocabulary(items);
          s.audit.write(ctx, { action: 'label.vocabulary', object: 'label_vocabulary', detail: { before: before.length, after: after.length } });
          return after;
        })
        .immediate(),
    'labels.raters': () => labels.raters(),
    'labels.exportCsv': ({ sessionIds }, ctx) => {
      s.operatorSessions.require(ctx);
      for (const id of sessionIds) mayExport(id);
      const rows = labels.exportRows(sessionIds);
      s.audit.write(ctx, { action: 'label.export', sessionId: sessionIds.length === 1 ? sessionIds[0] : null, detail: { sessionIds, rows: rows.length } });
      return { fileName: labelsCsvFileName(sessionIds), csv: labelsCsv(rows), rows: rows.length };
    },
    'labels.agreement': (req) => {
      for (const id of req.sessionIds) s.sessions.get(id);
      return computeAgreement(
        {
          vocabulary: () => labels.vocabulary(),
          limitMs: (id) => labelLimitMs(s, id),
          participantCode: (id) => s.sessions.get(id).participantCode,
          tier: (sessionId, rater) => labels.tierOf(sessionId, rater)?.segments.map(plain) ?? null,
          model: (sessionId) => {
            const run = pickRun(s.timeline.runs(sessionId));
            return run ? modelSamples(s.timeline, run) : null;
          },
        },
        req,
      );
    },
  };
}

