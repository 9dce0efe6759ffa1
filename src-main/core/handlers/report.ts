import type { CoreServices } from '../core-services.js';
import { requireConsent } from '../governance/consent-check.js';
import { buildReportData } from '../report/report-data.js';
import { reportDeps, sessionReport } from '../report/report-file.js';
import type { Handlers } from '../rpc/dispatch.js';

export function reportHandlers(s: CoreServices): Pick<Handlers, 'report.data' | 'report.pdf'> {
  // A report shows the automated analysis of the participant's session: their consent must cover analysis.
  const mayReport = (sessionId: number) => requireConsent(s.participants, s.sessions.get(sessionId).participantId, ['analysis'], `report on session ${sessionId}`);
  return {
    'report.data': ({ sessionId, runId }) => {
      mayReport(sessionId);
      return buildReportData(reportDeps(s), sessionId, runId);
    },
    'report.pdf': async ({ sessionId, runId, locale }, ctx) => {
      mayReport(sessionId);
      const r = await sessionReport(s, sessionId, { locale, runId });
      // Ids only: a report is an export of health data.
      s.audit.write(ctx, { action: 'report.export', sessionId, object: 'analysis_run', objectId: r.data.run.id });
      return { fileName: r.fileName, runId: r.data.run.id, pdf: new Uint8Array(r.bytes), pages: r.pages, missingCharacters: r.missingCharacters };
    },
  };
}
