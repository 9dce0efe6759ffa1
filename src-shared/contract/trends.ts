import { z } from 'zod';
import { emotionSummarySchema } from '../analysis.js';
import { idSchema } from '../domain.js';
import { method } from './spec.js';

/** One visit on a participant's trends page: the session and the figures of its newest complete analysis run. */
export const trendSessionSchema = z.object({
  sessionId: idSchema,
  /** When recording started, else when the session was created. */
  date: z.string(),
  protocol: z.string(),
  durationMs: z.number().nullable(),
  /** Null when the session has no complete analysis run (it is listed, without figures). */
  runId: idSchema.nullable(),
  analysedMs: z.number().nullable(),
  coverage: z.object({ faceReliable: z.number().nullable(), speech: z.number().nullable(), anyEstimate: z.number().nullable() }).nullable(),
  emotions: z.array(emotionSummarySchema),
});
export type TrendSession = z.infer<typeof trendSessionSchema>;

export const participantTrendsSchema = z.object({
  participant: z.object({ id: idSchema, code: z.string() }),
  /** Oldest first. */
  sessions: z.array(trendSessionSchema),
});
export type ParticipantTrends = z.infer<typeof participantTrendsSchema>;

export const trendsMethods = {
  'participants.trends': method(z.object({ participantId: idSchema }).strict(), participantTrendsSchema),
  /** The same figures as CSV (English column names, docs/csv.md "Participant trends"), with the file name to offer. */
  'participants.trendsCsv': method(z.object({ participantId: idSchema, bom: z.boolean().default(false) }).strict(), z.object({ fileName: z.string(), csv: z.string() })),
} as const;
