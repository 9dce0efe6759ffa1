/** Exports for the work queue: one session's files per item, sessions_summary.csv when the batch ends. */
import path from 'node:path';
import type { BatchExporter } from '../batch/batch-queue.js';
import { type ExportDeps, exportFolderName, exportRunFor, exportSession, summaryOf, writeCombinedSummary } from './session-export.js';

export function batchExporter(d: ExportDeps, dataDir: string): BatchExporter {
  return {
    defaultFolder: () => path.join(dataDir, 'exports', exportFolderName()),
    exportOne: async (sessionId, folder, bom) => {
      await exportSession(d, sessionId, folder, { bom });
    },
    finish: async (sessionIds, folder, bom) => {
      const done = sessionIds.map((id) => {
        const session = d.sessions.get(id);
        const run = exportRunFor(d, session);
        return { session, run, summaryData: summaryOf(d, session, run) };
      });
      await writeCombinedSummary(d, done, folder, { bom });
    },
  };
}
