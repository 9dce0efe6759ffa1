import { z } from 'zod';
import { idSchema } from '../domain.js';
import { LOCALES } from '../i18n/i18n.js';
import { reportDataSchema } from '../report/report-data.js';
import { method } from './spec.js';

const reportRequest = z.object({ sessionId: idSchema, runId: idSchema.optional() }).strict();

export const reportMethods = {
  /** What a session's report shows (its newest complete analysis run, or `runId`); the Report view draws it. */
  'report.data': method(reportRequest, reportDataSchema),
  /**
   * The report as a PDF in `locale`, for "Save as PDF": the bytes and the file name to offer
   * (`<session>_report.pdf`). Characters the embedded font lacks (free text typed by users) are listed.
   */
  'report.pdf': method(
    reportRequest.extend({ locale: z.enum(LOCALES) }).strict(),
    z.object({ fileName: z.string(), runId: idSchema, pdf: z.instanceof(Uint8Array), pages: z.number().int(), missingCharacters: z.array(z.string()) }),
  ),
} as const;
