import type { CoreServices } from '../core-services.js';
import { buildReportData } from '../report/report-data.js';
import { reportDeps, sessionReport } from '../report/report-file.js';
import type { Handlers } from '../rpc/dispatch.js';

export function reportHandlers(s: CoreServices): Pick<Handlers, 'report.data' | 'report.pdf'> {
  return {
    'report.data': ({ sessionId, runId }) => buildReportData(reportDeps(s), sessionId, runId),
    'report.pdf': async ({ sessionId, runId, locale }) => {
      const r = await sessionReport(s, sessionId, { locale, runId, actor: 'operator' });
      return { fileName: r.fileName, pdf: new Uint8Array(r.bytes), pages: r.pages, missingCharacters: r.missingCharacters };
    },
  };
}
