import path from 'node:path';
import { storedAnalysisParamsSchema } from '../../../src-shared/analysis.js';
import { ApiError } from '../../../src-shared/errors.js';
import { fuseRun } from '../analysis/fuse-run.js';
import { lastObservationMs } from '../analysis/observation-source.js';
import type { CoreServices } from '../core-services.js';
import { exportSession, exportSessions, type SessionExport, summaryOf } from '../export/session-export.js';
import { actorOf, type Handlers } from '../rpc/dispatch.js';
import { writeAudit } from '../store/audit-log.js';

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

/** A folder name for an export made from the app: its time, sortable, safe on every platform. */
function exportFolderName(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
}

export function analysisHandlers(s: CoreServices): Pick<Handlers, AnalysisMethods> {
  const a = s.analysis;
  const exportDeps = { db: s.db, sessions: s.sessions, runs: a.runs, fused: a.fused, episodes: a.episodes };
  return {
    'analysis.start': (input, ctx) => {
      const run = a.runner.start(input);
      writeAudit(s.db, { actor: actorOf(ctx), action: 'analysis.start', entity: 'analysis_run', entityId: run.id, detail: { sessionId: run.sessionId } });
      return run;
    },
    'analysis.cancel': ({ runId }) => a.runner.cancel(runId),
    'analysis.resume': ({ runId }) => a.runner.resume(runId),
    'analysis.runs': ({ sessionId }) => {
      s.sessions.get(sessionId);
      return a.runs.listForSession(sessionId);
    },
    'analysis.get': ({ runId }) => a.runs.get(runId),
    'analysis.delete': ({ runId }, ctx) => {
      if (a.runner.isBusy(runId)) throw new ApiError('conflict', `Run ${runId} is running; cancel it first`);
      s.db.transaction(() => {
        a.runs.delete(runId);
        writeAudit(s.db, { actor: actorOf(ctx), action: 'analysis.delete', entity: 'analysis_run', entityId: runId });
      })();
      return { deleted: true as const };
    },
    'analysis.fuse': ({ runId }) => {
      if (a.runner.isBusy(runId)) throw new ApiError('conflict', `Run ${runId} is still running`);
      const run = a.runs.get(runId);
      const params = storedAnalysisParamsSchema.parse(run.params ?? {});
      const extent = run.mediaDurationMs ?? lastObservationMs(s.db, runId);
      if (extent === null) throw new ApiError('conflict', `Run ${runId} has no observations to fuse`);
      fuseRun({ db: s.db, fused: a.fused, episodes: a.episodes }, runId, extent, params);
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
    'media.importBegin': ({ sessionId, fileName, size }) => a.uploads.begin(sessionId, fileName, size),
    'media.importChunk': ({ uploadId, seq, data }) => a.uploads.chunk(uploadId, seq, data),
    'media.importFinish': async ({ uploadId }, ctx) => {
      const outcome = await a.uploads.finish(uploadId, (media, originalName) =>
        writeAudit(s.db, { actor: actorOf(ctx), action: 'media.import', entity: 'session', entityId: media.sessionId, detail: { fileName: media.fileName, originalName } }),
      );
      if (outcome.ok) s.events.emit('session.changed', s.sessions.get(outcome.media.sessionId));
      return outcome;
    },
    'media.importAbort': ({ uploadId }) => {
      a.uploads.abort(uploadId);
      return { aborted: true as const };
    },
    'export.sessions': async ({ sessionIds, runId, outDir, bom, combinedSummary }, ctx) => {
      if (outDir !== undefined && !path.isAbsolute(outDir)) throw new ApiError('invalid_input', 'outDir must be an absolute folder path');
      const folder = outDir ?? path.join(s.dataDir, 'exports', exportFolderName());
      const filesOf = (x: SessionExport) => [x.timeline, x.summary, ...(x.labels ? [x.labels] : [])];
      if (sessionIds.length === 1 && !combinedSummary) {
        const r = await exportSession(exportDeps, sessionIds[0], folder, { runId, bom });
        writeAudit(s.db, { actor: actorOf(ctx), action: 'export.sessions', entity: 'session', entityId: r.sessionId, detail: { runId: r.runId, folder } });
        const one = { sessionId: r.sessionId, runId: r.runId, timeline: r.timeline, summary: r.summary, labels: r.labels };
        return { folder, files: filesOf(one), skipped: [], sessions: [one], combinedSummary: null };
      }
      const r = await exportSessions(exportDeps, sessionIds, folder, { bom });
      const files = r.sessions.flatMap(filesOf);
      if (r.combinedSummary) files.push(r.combinedSummary);
      writeAudit(s.db, { actor: actorOf(ctx), action: 'export.sessions', entity: 'session', detail: { sessions: r.sessions.map((x) => x.sessionId), folder } });
      return { folder, files, skipped: r.skipped, sessions: r.sessions, combinedSummary: r.combinedSummary };
    },
  };
}
