import type { CoreServices } from '../core-services.js';
import { buildReportData } from '../report/report-data.js';
import { reportDeps, sessionReport } from '../report/report-file.js';
import { actorOf, type Handlers } from '../rpc/dispatch.js';
import { writeAudit } from '../store/audit-log.js';

export function reportHandlers(s: CoreServices): Pick<Handlers, 'report.data' | 'report.pdf'> {
  return {
    'report.data': ({ sessionId, runId }) => buildReportData(reportDeps(s), sessionId, runId),
    'report.pdf': async ({ sessionId, runId, locale }, ctx) => {
      const r = await sessionReport(s, sessionId, { locale, runId });
      // Ids only: a report is an export of health data.
      writeAudit(s.db, { actor: actorOf(ctx), action: 'report.export', entity: 'session', entityId: sessionId, detail: { runId: r.data.run.id, locale } });
      return { fileName: r.fileName, runId: r.data.run.id, pdf: new Uint8Array(r.bytes), pages: r.pages, missingCharacters: r.missingCharacters };
    },
  };
}
