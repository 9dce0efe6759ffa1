/**
 * A session report written as `<session>_report.pdf` (the CSV files' stem), for the CLI and the app alike.
 * The file is written to `.part` (owner-only, 0600) and renamed when complete, so a failure leaves no half PDF;
 * the audit trail records the export by ids only.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locale } from '../../../src-shared/i18n/i18n.js';
import type { ReportData } from '../../../src-shared/report/report-data.js';
import type { CoreServices } from '../core-services.js';
import { ensureDir, sessionFileStem } from '../export/session-export.js';
import { writeAudit } from '../store/audit-log.js';
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
  };
}

export function reportFileName(session: ReportData['session']): string {
  return `${sessionFileStem({ id: session.id, participantCode: session.participantCode })}_report.pdf`;
}

export interface ReportOptions {
  locale: Locale;
  runId?: number;
  /** Who asked, for the audit trail: 'operator' in the app, 'affect-cli' from the command line. */
  actor: string;
}

/** Builds the report and its PDF, and records the export. */
export async function sessionReport(s: CoreServices, sessionId: number, o: ReportOptions): Promise<ReportPdf & { data: ReportData; fileName: string }> {
  const data = buildReportData(reportDeps(s), sessionId, o.runId);
  const pdf = await reportPdf(data, o.locale);
  writeAudit(s.db, { actor: o.actor, action: 'report.export', entity: 'session', entityId: sessionId, detail: { runId: data.run.id, locale: o.locale } });
  return { ...pdf, data, fileName: reportFileName(data.session) };
}

export async function writeSessionReport(s: CoreServices, sessionId: number, outDir: string, o: ReportOptions): Promise<{ file: string; runId: number; pages: number; missingCharacters: string[] }> {
  ensureDir(outDir);
  const r = await sessionReport(s, sessionId, o);
  const file = path.join(outDir, r.fileName);
  const part = `${file}.part`;
  try {
    writeFileSync(part, r.bytes, { mode: 0o600 });
    renameSync(part, file);
  } catch (e) {
    rmSync(part, { force: true });
    throw e;
  }
  return { file, runId: r.data.run.id, pages: r.pages, missingCharacters: r.missingCharacters };
}
