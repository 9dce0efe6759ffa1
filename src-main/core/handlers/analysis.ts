import { existsSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../src-shared/errors.js';
import { apiError } from '../../../src-shared/i18n/errors.js';
import type { CoreServices } from '../core-services.js';
import { DeidMap } from '../export/deidentify.js';
import { exportSession, exportSessions, type SessionExport, summaryOf } from '../export/session-export.js';
import { defaultExportFolder } from '../export/export-root.js';
import { requireConsent } from '../governance/consent-check.js';
import type { Handlers } from '../rpc/dispatch.js';
import { withPlayableCopy } from './media.js';

type AnalysisMethods =
  | 'analysis.start'
  | 'analysis.cancel'
  | 'analysis.resume'
  | 'analysis.runs'
  | 'analysis.get'
  | 'analysis.delete'
  | 'analysis.fuse'
  | 'analysis.episodes'
  | 'analysis.summary'
  | 'media.importBegin'
  | 'media.importChunk'
  | 'media.importFinish'
  | 'media.importAbort'
  | 'export.sessions';

export function analysisHandlers(s: CoreServices): Pick<Handlers, AnalysisMethods> {
  const a = s.analysis;
  const participantOf = (sessionId: number) => s.sessions.get(sessionId).participantId;
  const mayAnalyse = (sessionId: number) => requireConsent(s.participants, participantOf(sessionId), ['analysis'], 'consent.doing.analyseSession');
  const mayExport = (sessionId: number) => requireConsent(s.participants, participantOf(sessionId), ['analysis', 'research'], 'consent.doing.exportSession', { sessionId });
  const exportDeps = { db: s.db, sessions: s.sessions, runs: a.runs, fused: a.fused, episodes: a.episodes };
  return {
    'analysis.start': (input, ctx) => {
      s.operatorSessions.require(ctx);
      mayAnalyse(input.sessionId);
      const run = a.runner.start(input);
      s.audit.write(ctx, { action: 'analysis.start', sessionId: run.sessionId, object: 'analysis_run', objectId: run.id });
      return run;
    },
    'analysis.cancel': ({ runId }, ctx) => {
      const run = a.runner.cancel(runId);
      s.audit.write(ctx, { action: 'analysis.cancel', sessionId: run.sessionId, object: 'analysis_run', objectId: runId });
      return run;
    },
    'analysis.resume': ({ runId }, ctx) => {
      s.operatorSessions.require(ctx);
      mayAnalyse(a.runs.get(runId).sessionId);
      const run = a.runner.resume(runId);
      s.audit.write(ctx, { action: 'analysis.resume', sessionId: run.sessionId, object: 'analysis_run', objectId: runId });
      return run;
    },
    'analysis.runs': ({ sessionId }) => {
      s.sessions.get(sessionId);
      return a.runs.listForSession(sessionId);
    },
    'analysis.get': ({ runId }) => a.runs.get(runId),
    'analysis.delete': ({ runId }, ctx) => {
      if (a.runner.isBusy(runId)) throw apiError('conflict', 'errors.analysis.cancelFirst', { id: runId });
      const sessionId = s.db.transaction(() => {
        const id = a.runs.get(runId).sessionId;
        s.audit.write(ctx, { action: 'analysis.delete', sessionId: id, object: 'analysis_run', objectId: runId });
        a.runs.delete(runId);
        return id;
      })();
      // Review drops the run's curves and overlay and shows the run it would pick now.
      s.events.emit('analysis.deleted', { sessionId, runId });
      return { deleted: true as const };
    },
    'analysis.fuse': ({ runId }) => {
      if (a.runner.isBusy(runId)) throw apiError('conflict', 'errors.analysis.stillRunning', { id: runId });
      if (!a.recorder.fuse(runId)) throw apiError('conflict', 'errors.analysis.nothingToFuse', { id: runId });
      return a.runs.get(runId);
    },
    'analysis.episodes': ({ runId }) => {
      a.runs.get(runId);
      return a.episodes.list(runId);
    },
    'analysis.summary': ({ runId }) => {
      const run = a.runs.get(runId);
      return summaryOf(exportDeps, s.sessions.get(run.sessionId), run);
    },
    'media.importBegin': ({ sessionId, fileName, size }, ctx) => {
      s.operatorSessions.require(ctx);
      return a.uploads.begin(sessionId, fileName, size);
    },
    'media.importChunk': ({ uploadId, seq, data }) => a.uploads.chunk(uploadId, seq, data),
    'media.importFinish': async ({ uploadId }, ctx) => {
      const imported = await a.uploads.finish(uploadId, (media) =>
        s.audit.write(ctx, { action: 'media.import', sessionId: media.sessionId, object: 'media_file', objectId: media.id, detail: { bytes: media.bytes, hasVideo: media.hasVideo, hasAudio: media.hasAudio } }),
      );
      const outcome = await withPlayableCopy(s, ctx, imported);
      if (outcome.ok) s.events.emit('session.changed', s.sessions.get(outcome.media.sessionId));
      return outcome;
    },
    'media.importAbort': ({ uploadId }) => {
      a.uploads.abort(uploadId);
      return { aborted: true as const };
    },
    'export.sessions': async ({ sessionIds, runId, outDir, bom, combinedSummary, deidentify, overwrite, landmarks }, ctx) => {
      s.operatorSessions.require(ctx);
      if (outDir !== undefined && !path.isAbsolute(outDir)) throw apiError('invalid_input', 'errors.outDirAbsolute');
      if (deidentify?.keyFile !== undefined && !path.isAbsolute(deidentify.keyFile)) throw apiError('invalid_input', 'errors.keyFile.absolute');
      const folder = outDir ?? defaultExportFolder(s.dataDir, s.mediaStore.encrypted);
      if (deidentify?.keyFile !== undefined && existsSync(deidentify.keyFile)) throw apiError('conflict', 'errors.keyFile.exists', { file: deidentify.keyFile });
      const deid = deidentify ? new DeidMap(deidentify) : undefined;
      const detail = { deidentified: deid !== undefined, dateShift: deidentify?.dates === 'shift', keyFile: deidentify?.keyFile !== undefined };
      const filesOf = (x: SessionExport) => [x.timeline, x.summary, ...(x.labels ? [x.labels] : [])];
      // Exported results leave the app's protection: the participant must have agreed to analysis and research use.
      const refused = (id: number): string | null => {
        try {
          mayExport(id);
          return null;
        } catch (e) {
          if (e instanceof ApiError) return e.message;
          throw e;
        }
      };
      if (sessionIds.length === 1 && !combinedSummary) {
        mayExport(sessionIds[0]);
        const r = await exportSession(exportDeps, sessionIds[0], folder, { runId, bom, deid, overwrite, landmarks });
        const key = deid && deidentify?.keyFile ? deid.writeKeyFile(deidentify.keyFile) : null;
        s.audit.write(ctx, { action: 'export.sessions', sessionId: r.sessionId, object: 'analysis_run', objectId: r.runId, detail: { ...detail, sessionIds: [r.sessionId] } });
        const one = { sessionId: r.sessionId, runId: r.runId, timeline: r.timeline, summary: r.summary, labels: r.labels };
        return { folder, files: [...filesOf(one), ...(key ? [key] : [])], skipped: [], sessions: [one], combinedSummary: null, keyFile: key };
      }
      const consented = sessionIds.filter((id) => refused(id) === null);
      const notConsented = sessionIds.filter((id) => !consented.includes(id)).map((id) => ({ sessionId: id, message: refused(id) ?? '' }));
      const r = consented.length ? await exportSessions(exportDeps, consented, folder, { bom, deid, overwrite, landmarks }) : { sessions: [], skipped: [], combinedSummary: null };
      const files = r.sessions.flatMap(filesOf);
      if (r.combinedSummary) files.push(r.combinedSummary);
      const key = deid && deidentify?.keyFile && r.sessions.length ? deid.writeKeyFile(deidentify.keyFile) : null;
      if (key) files.push(key);
      s.audit.write(ctx, { action: 'export.sessions', detail: { ...detail, sessionIds: r.sessions.map((x) => x.sessionId) } });
      return { folder, files, skipped: [...notConsented, ...r.skipped], sessions: r.sessions, combinedSummary: r.combinedSummary, keyFile: key };
    },
  };
}
