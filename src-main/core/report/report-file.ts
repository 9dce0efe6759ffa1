/** A session report as `<session>_report.pdf` (the CSV files' stem), for the app's "Save as PDF" and the CLI alike. */
import type { Locale } from '../../../src-shared/i18n/i18n.js';
import type { ReportData } from '../../../src-shared/report/report-data.js';
import type { CoreServices } from '../core-services.js';
import { sessionFileStem } from '../export/session-export.js';
import { ReportQueries } from '../store/report-queries.js';
import { buildReportData, type ReportDeps } from './report-data.js';
import { reportPdf, type ReportPdf } from './report-pdf.js';

export function reportDeps(s: CoreServices): ReportDeps {
  return {
    version: s.version,
    db: s.db,
    sessions: s.sessions,
    runs: s.analysis.runs,
    fused: s.analysis.fused,
    episodes: s.analysis.episodes,
    labels: s.labels,
    timeline: s.timeline,
    queries: new ReportQueries(s.db),
    operators: s.operators,
  };
}

export function reportFileName(session: ReportData['session']): string {
  return `${sessionFileStem({ id: session.id, participantCode: session.participantCode })}_report.pdf`;
}

export interface ReportOptions {
  locale: Locale;
  runId?: number;
}

/** Builds the report and its PDF (the request handler records the export). */
export async function sessionReport(s: CoreServices, sessionId: number, o: ReportOptions): Promise<ReportPdf & { data: ReportData; fileName: string }> {
  const data = buildReportData(reportDeps(s), sessionId, o.runId);
  const pdf = await reportPdf(data, o.locale);
  return { ...pdf, data, fileName: reportFileName(data.session) };
}
