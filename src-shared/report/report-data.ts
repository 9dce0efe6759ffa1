/**
 * Everything a session report shows, gathered once by the core (src-main/core/report/report-data.ts) and drawn
 * twice from the same figures: in the app's Report view and in the PDF. Words are not in here: each side words
 * the figures in its own language from the message catalogues.
 */
import { z } from 'zod';
import { emotionSummarySchema, runStatusSchema } from '../analysis.js';
import { seriesSchema, spanSchema } from '../contract/review.js';
import { idSchema, sessionStatusSchema } from '../domain.js';
import { EMOTIONS } from '../emotions.js';
import { KAPPA_BANDS } from '../labels/kappa.js';
import { OPERATOR_ROLES } from '../governance.js';

/** When a report warns that its figures rest on little data. Shares of the analysed time. */
export const REPORT_THRESHOLDS = {
  /** Below this share of time with any estimate, the figures describe only part of the session. */
  anyEstimate: 0.5,
  /** Below this share of time with a reliable face (video only), the face seldom counted. */
  faceReliable: 0.5,
  /** Above this share of frames missing from the analysed sequence, the face track has holes. */
  droppedFrames: 0.05,
} as const;

export const REPORT_WARNINGS = ['lowAnyEstimate', 'lowFaceReliable', 'droppedFrames', 'runIncomplete', 'liveRun', 'noVideo', 'noAudio'] as const;
export type ReportWarning = (typeof REPORT_WARNINGS)[number];

/** Episodes listed in the table; the rest are counted (all are in the CSV export). */
export const REPORT_EPISODE_ROWS = 30;

export const reportDataSchema = z.object({
  generatedAt: z.string(),
  /** The version of Affect Studio writing the report (the run records its own). */
  softwareVersion: z.string(),
  session: z.object({
    id: idSchema,
    participantId: idSchema,
    participantCode: z.string(),
    protocol: z.string(),
    operator: z.string(),
    /** The operator profile's role (clinician, researcher, admin); null for sessions without a profile. */
    operatorRole: z.enum(OPERATOR_ROLES).nullable(),
    status: sessionStatusSchema,
    /** When recording started, else when the session was created. */
    date: z.string(),
    durationMs: z.number().nullable(),
  }),
  run: z.object({
    id: idSchema,
    mode: z.enum(['live', 'offline']),
    status: runStatusSchema,
    startedAt: z.string(),
    softwareVersion: z.string(),
    provider: z.string().nullable(),
    models: z.array(z.object({ id: z.string(), task: z.string(), sha256: z.string() })),
  }),
  rules: z.object({
    gridStepMs: z.number(),
    smoothingHalfLifeMs: z.number(),
    episodeMinDurationMs: z.number(),
    episodeMinProbability: z.number(),
    episodeBridgeGapMs: z.number(),
    episodeEmotions: z.array(z.enum(EMOTIONS)),
  }),
  quality: z.object({
    analysedMs: z.number(),
    hasVideo: z.boolean(),
    hasAudio: z.boolean(),
    coverage: z.object({
      faceReliable: z.number().nullable(),
      facePresent: z.number().nullable(),
      speech: z.number().nullable(),
      anyEstimate: z.number().nullable(),
    }),
    /** Video frames the face pipeline analysed, and frames missing from that sequence; null without video. */
    frames: z.object({ analysed: z.number().int(), dropped: z.number().int(), intervalMs: z.number().nullable() }).nullable(),
    warnings: z.array(z.enum(REPORT_WARNINGS)),
  }),
  emotions: z.array(emotionSummarySchema),
  episodes: z.array(z.object({ emotion: z.enum(EMOTIONS), startMs: z.number(), endMs: z.number(), durationMs: z.number(), meanProbability: z.number() })),
  timeline: z.object({
    fromMs: z.number(),
    toMs: z.number(),
    fused: seriesSchema.nullable(),
    face: seriesSchema.nullable(),
    voice: seriesSchema.nullable(),
    /** Channels: valence, arousal (−1..1). */
    affect: seriesSchema.nullable(),
    noEstimate: z.array(spanSchema),
  }),
  /** Raters' labels of this session and how each agrees with the model; null when nobody labelled it. */
  labels: z
    .object({
      raters: z.array(
        z.object({
          rater: z.string(),
          segments: z.number().int(),
          labelledMs: z.number(),
          kappa: z.number().nullable(),
          band: z.enum(KAPPA_BANDS),
          observed: z.number().nullable(),
          /** Grid instants compared with the model. */
          n: z.number().int(),
        }),
      ),
    })
    .nullable(),
});
export type ReportData = z.infer<typeof reportDataSchema>;
