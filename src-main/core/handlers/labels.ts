import { EMOTIONS } from '../../../src-shared/emotions.js';
import type { Segment } from '../../../src-shared/labels/segments.js';
import type { CoreServices } from '../core-services.js';
import { computeAgreement } from '../labels/agreement.js';
import { labelsCsv, labelsCsvFileName } from '../labels/labels-csv.js';
import { pickRun } from '../review/timeline-query.js';
import { writeAudit } from '../store/audit-log.js';
import { actorOf, type Handlers } from '../rpc/dispatch.js';

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

/**
 * Labelling requests. Every change is one SQLite transaction with its audit entry (who, what, the segments
 * before and after), committed before the reply: what the rater saw saved is on disk.
 */
export function labelHandlers(s: CoreServices): Pick<Handlers, LabelMethods> {
  const { db, labels } = s;
  return {
    'labels.get': ({ sessionId }) => {
      s.sessions.get(sessionId);
      return { vocabulary: labels.vocabulary(), tiers: labels.tiers(sessionId) };
    },
    'labels.addTier': ({ sessionId, rater }) =>
      db
        .transaction(() => {
          const tier = labels.addTier(sessionId, rater);
          writeAudit(db, { actor: rater, action: 'label.tier.add', entity: 'label_tier', entityId: tier.id, detail: { sessionId } });
          return tier;
        })
        .immediate(),
    'labels.removeTier': ({ tierId }) =>
      db
        .transaction(() => {
          const tier = labels.removeTier(tierId);
          writeAudit(db, { actor: tier.rater, action: 'label.tier.remove', entity: 'label_tier', entityId: tierId, detail: { sessionId: tier.sessionId } });
          return { removed: true as const };
        })
        .immediate(),
    'labels.apply': ({ tierId, action, changeset }) =>
      db
        .transaction(() => {
          const tier = labels.applyInTransaction(tierId, changeset);
          writeAudit(db, {
            actor: tier.rater,
            action: `label.${action}`,
            entity: 'label_tier',
            entityId: tierId,
            detail: { sessionId: tier.sessionId, removed: changeset.remove, added: changeset.add },
          });
          return tier;
        })
        .immediate(),
    'labels.setVocabulary': ({ items }, ctx) =>
      db
        .transaction(() => {
          const before = labels.vocabulary();
          const after = labels.setVocabulary(items);
          writeAudit(db, { actor: actorOf(ctx), action: 'label.vocabulary', entity: 'label_vocabulary', detail: { before, after } });
          return after;
        })
        .immediate(),
    'labels.raters': () => labels.raters(),
    'labels.exportCsv': ({ sessionIds }, ctx) => {
      for (const id of sessionIds) s.sessions.get(id);
      const rows = labels.exportRows(sessionIds);
      writeAudit(db, { actor: actorOf(ctx), action: 'label.export', entity: 'session', entityId: sessionIds.length === 1 ? sessionIds[0] : null, detail: { sessionIds, rows: rows.length } });
      return { fileName: labelsCsvFileName(sessionIds), csv: labelsCsv(rows), rows: rows.length };
    },
    'labels.agreement': (req) => {
      for (const id of req.sessionIds) s.sessions.get(id);
      return computeAgreement(
        {
          vocabulary: () => labels.vocabulary(),
          participantCode: (id) => s.sessions.get(id).participantCode,
          tier: (sessionId, rater) => labels.tierOf(sessionId, rater)?.segments.map(plain) ?? null,
          model: (sessionId) => {
            const run = pickRun(s.timeline.runs(sessionId));
            if (!run) return null;
            const f = s.timeline.fused(run.id);
            if (!f.t.length) return null;
            const samples = Array.from(f.t, (tMs, i) => {
              const probs = EMOTIONS.map((_, c) => f.probs[c][i]);
              const ok = probs.every(Number.isFinite);
              return { tMs, probs: ok ? probs : null, reliable: ok };
            });
            return { gridStepMs: run.gridStepMs ?? 100, samples };
          },
        },
        req,
      );
    },
  };
}

