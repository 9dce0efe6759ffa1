/**
 * Data governance requests (issue 17): operator profiles, consent, deletion, retention and the audit trail.
 * Every change is one transaction with its audit entry; the entry names ids only.
 */
import path from 'node:path';
import { apiError } from '../../../src-shared/i18n/errors.js';
import type { CoreServices } from '../core-services.js';
import { writeAuditCsv } from '../governance/audit-csv.js';
import { ensureDir } from '../export/session-export.js';
import { defaultExportFolder } from '../export/export-root.js';
import type { Handlers } from '../rpc/dispatch.js';
import { writeAudit } from '../store/audit-log.js';
import { auditActions, listAudit, verifyAudit } from '../store/audit-read.js';

type GovernanceMethods =
  | 'operators.list'
  | 'operators.create'
  | 'operators.update'
  | 'operators.select'
  | 'operators.current'
  | 'consent.history'
  | 'consent.record'
  | 'consent.withdraw'
  | 'sessions.deletePreview'
  | 'sessions.delete'
  | 'participants.deletePreview'
  | 'participants.delete'
  | 'retention.due'
  | 'retention.purge'
  | 'audit.list'
  | 'audit.actions'
  | 'audit.verify'
  | 'audit.export';

const instant = (s: string | undefined): string | undefined => (s === undefined ? undefined : new Date(s).toISOString());

export function governanceHandlers(s: CoreServices): Pick<Handlers, GovernanceMethods> {
  const { db } = s;
  return {
    'operators.list': () => s.operators.list(),
    'operators.create': ({ displayName, role }, ctx) =>
      db.transaction(() => {
        const op = s.operators.create(displayName, role);
        // Before anyone is chosen (the first start, a new colleague at the start screen) the new profile is the actor.
        const actor = s.operatorSessions.of(ctx)?.id ?? op.id;
        writeAudit(db, actor, { action: 'operator.create', object: 'operator', objectId: op.id, detail: { role } });
        return op;
      })(),
    'operators.update': ({ id, displayName, role }, ctx) =>
      db.transaction(() => {
        const op = s.operators.update(id, { displayName, role });
        s.audit.write(ctx, { action: 'operator.update', object: 'operator', objectId: id, detail: { renamed: displayName !== undefined, role: op.role } });
        return op;
      })(),
    'operators.select': ({ id }, ctx) =>
      db.transaction(() => {
        const op = s.operatorSessions.select(ctx, id);
        writeAudit(db, op.id, { action: 'operator.select', object: 'operator', objectId: op.id });
        return op;
      })(),
    'operators.current': (_input, ctx) => ({ current: s.operatorSessions.of(ctx), remembered: s.operatorSessions.remembered() }),

    'consent.history': ({ participantId }) => {
      s.participants.get(participantId);
      return s.consent.history(participantId);
    },
    'consent.record': ({ participantId, consent }, ctx) =>
      db.transaction(() => {
        const op = s.operatorSessions.require(ctx);
        const rec = s.consent.add({ participantId, kind: 'given', ...consent, takenBy: op.id, recordedBy: op.id });
        s.audit.write(ctx, { action: 'consent.record', participantId, object: 'consent_record', objectId: rec.id, detail: { version: rec.version, ...rec.scopes, retention: rec.retainUntil !== null } });
        return s.participants.get(participantId);
      })(),
    'consent.withdraw': ({ participantId, takenOn }, ctx) =>
      db.transaction(() => {
        const op = s.operatorSessions.require(ctx);
        const current = s.participants.get(participantId).consent;
        if (current.status !== 'given') throw apiError('conflict', 'errors.consent.noneToWithdraw');
        const rec = s.consent.add({
          participantId,
          kind: 'withdrawn',
          scopes: current.scopes,
          takenBy: op.id,
          takenOn,
          formRef: '',
          retainUntil: current.retainUntil,
          recordedBy: op.id,
        });
        s.audit.write(ctx, { action: 'consent.withdraw', participantId, object: 'consent_record', objectId: rec.id, detail: { version: rec.version } });
        return s.participants.get(participantId);
      })(),

    'sessions.deletePreview': ({ sessionIds }) => s.deletion.previewSessions(sessionIds),
    'sessions.delete': ({ sessionIds }, ctx) => {
      s.operatorSessions.require(ctx);
      const r = s.deletion.deleteSessions(sessionIds, (e) => s.audit.write(ctx, e));
      s.events.emit('sessions.deleted', { sessionIds: r.sessionIds, participantId: null });
      return r;
    },
    'participants.deletePreview': ({ participantId }) => s.deletion.previewParticipant(participantId),
    'participants.delete': ({ participantId, confirmCode }, ctx) => {
      s.operatorSessions.require(ctx);
      const p = s.participants.get(participantId);
      if (p.code.toLowerCase() !== confirmCode.toLowerCase()) throw apiError('invalid_input', 'errors.deletion.confirmCode', { code: p.code });
      const r = s.deletion.deleteParticipant(participantId, (e) => s.audit.write(ctx, e));
      s.events.emit('sessions.deleted', { sessionIds: r.sessionIds, participantId });
      return r;
    },
    'retention.due': () => s.deletion.sessionsPastRetention(),
    'retention.purge': ({ sessionIds }, ctx) => {
      s.operatorSessions.require(ctx);
      const due = new Set(s.deletion.sessionsPastRetention().map((r) => r.sessionId));
      const notDue = sessionIds.filter((id) => !due.has(id));
      if (notDue.length) throw apiError('conflict', 'errors.retention.notDue', { count: notDue.length, ids: notDue.join(', ') });
      const r = s.deletion.deleteSessions(sessionIds, (e) => s.audit.write(ctx, { ...e, action: 'retention.purge' }));
      s.events.emit('sessions.deleted', { sessionIds: r.sessionIds, participantId: null });
      return r;
    },

    'audit.list': ({ from, to, ...f }) => listAudit(db, { ...f, from: instant(from), to: instant(to) }),
    'audit.actions': () => auditActions(db),
    'audit.verify': (_input, ctx) => {
      const r = verifyAudit(db);
      // The check itself is an audited read (after it ran, so it does not vouch for its own entry).
      s.audit.write(ctx, { action: 'audit.verify', detail: { ok: r.ok, entries: r.entries } });
      return r;
    },
    'audit.export': async ({ outDir }, ctx) => {
      s.operatorSessions.require(ctx);
      if (outDir !== undefined && !path.isAbsolute(outDir)) throw apiError('invalid_input', 'errors.outDirAbsolute');
      const folder = outDir ?? defaultExportFolder(s.dataDir, s.mediaStore.encrypted);
      ensureDir(folder);
      const r = await writeAuditCsv(db, folder);
      s.audit.write(ctx, { action: 'audit.export', detail: { entries: r.entries } });
      return r;
    },
  };
}
