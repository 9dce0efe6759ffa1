import { z } from 'zod';
import { idSchema } from '../domain.js';
import { EMOTIONS } from '../emotions.js';
import { AU_NAMES } from '../face-geometry.js';
import { method } from './spec.js';

/**
 * Timeline data for the Review view. A series is either every stored point in the range (`bucketMs` null,
 * `min`/`max` null) or, when there are more points than the display has pixels, one bucket per pixel column
 * with the mean, minimum and maximum of every point in it: nothing is dropped, peaks stay visible, and
 * zooming in returns the points themselves.
 */
export const seriesSchema = z.object({
  /** Point times, or bucket centres, in ms from the media start. */
  t: z.array(z.number()),
  /** One array per channel; null where there is no value (a gap in the data or an empty bucket). */
  mean: z.array(z.array(z.number().nullable())),
  min: z.array(z.array(z.number().nullable())).nullable(),
  max: z.array(z.array(z.number().nullable())).nullable(),
  bucketMs: z.number().nullable(),
  /** Points in the range before any bucketing. */
  points: z.number().int(),
});
export type Series = z.infer<typeof seriesSchema>;

export const TIMELINE_SERIES = ['fused', 'affect', 'face', 'voice', 'au', 'pose'] as const;
/** Channels of the head-pose series, degrees. */
export const POSE_CHANNELS = ['yaw', 'pitch', 'roll'] as const;
export type TimelineSeries = (typeof TIMELINE_SERIES)[number];

export const spanSchema = z.object({ startMs: z.number(), endMs: z.number() });
export type Span = z.infer<typeof spanSchema>;

export const reviewRunSchema = z.object({
  id: idSchema,
  mode: z.enum(['live', 'offline']),
  status: z.string(),
  startedAt: z.string(),
});

export const timelineSchema = z.object({
  /** The analysis run shown; null when the session has not been analysed. */
  runId: idSchema.nullable(),
  runs: z.array(reviewRunSchema),
  fromMs: z.number(),
  toMs: z.number(),
  gridStepMs: z.number().nullable(),
  /** Channels in canonical emotion order. */
  channels: z.array(z.enum(EMOTIONS)),
  fused: seriesSchema.nullable(),
  /** Channels: valence, arousal (−1..1). */
  affect: seriesSchema.nullable(),
  /** The participant's face alone, reliable observations only. */
  face: seriesSchema.nullable(),
  /** The voice alone, windows with speech only (at each window's centre). */
  voice: seriesSchema.nullable(),
  /** The participant's AU estimates (channels in AU_NAMES order, 0–1); null when the run has no face geometry. */
  au: seriesSchema.nullable().default(null),
  /** The participant's head pose, degrees (channels POSE_CHANNELS); null when the run has no face geometry. */
  pose: seriesSchema.nullable().default(null),
  auChannels: z.array(z.enum(AU_NAMES)).default([...AU_NAMES]),
  /** Where the fused estimate is missing (no reliable face and no speech), merged to the display's resolution. */
  noEstimate: z.array(spanSchema),
  episodes: z.array(z.object({ emotion: z.enum(EMOTIONS), startMs: z.number(), endMs: z.number(), meanProbability: z.number(), peakProbability: z.number() })),
});
export type TimelineData = z.infer<typeof timelineSchema>;

export const overlayFaceSchema = z.object({
  trackId: z.number().int(),
  participant: z.boolean(),
  /** Fractions (0..1) of the analysed frame, so they scale onto the video as shown. */
  box: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }),
  dominant: z.enum(EMOTIONS),
  probability: z.number(),
  reliable: z.boolean(),
});
export type OverlayFace = z.infer<typeof overlayFaceSchema>;

export const overlayFrameSchema = z.object({ tMs: z.number(), faces: z.array(overlayFaceSchema) });
export type OverlayFrame = z.infer<typeof overlayFrameSchema>;

export const MAX_OVERLAY_RANGE_MS = 60_000;


export const reviewMediaSchema = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  durationMs: z.number().nullable(),
  hasVideo: z.boolean(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  /** Frames per second used for frame stepping. */
  fps: z.number(),
  /** Where fps came from: the container, the analysed frame times, or an assumption when neither says. */
  fpsSource: z.enum(['container', 'frames', 'assumed']),
});
export type ReviewMedia = z.infer<typeof reviewMediaSchema>;

export const reviewMethods = {
  /** The media file Review plays for a session (video preferred), with its frame rate; null without media. */
  'review.media': method(z.object({ sessionId: idSchema }).strict(), reviewMediaSchema.nullable()),
  'review.timeline': method(
    z
      .object({
        sessionId: idSchema,
        runId: idSchema.optional(),
        fromMs: z.number().nonnegative(),
        toMs: z.number().positive(),
        /** Pixel columns of the display: at most this many buckets per series. */
        buckets: z.number().int().min(10).max(8000),
        /** Series wanted (the others come back null); all by default. Spans and episodes always come. */
        include: z.array(z.enum(TIMELINE_SERIES)).optional(),
      })
      .strict()
      .refine((r) => r.toMs > r.fromMs, 'toMs must be after fromMs'),
    timelineSchema,
  ),
  /** Face boxes per analysed frame for the video overlay, at most a minute at a time. */
  'review.overlay': method(
    z
      .object({ sessionId: idSchema, runId: idSchema, fromMs: z.number().nonnegative(), toMs: z.number().positive() })
      .strict()
      .refine((r) => r.toMs > r.fromMs && r.toMs - r.fromMs <= MAX_OVERLAY_RANGE_MS, `The range must be positive and at most ${MAX_OVERLAY_RANGE_MS / 1000} s`),
    z.object({ frames: z.array(overlayFrameSchema) }),
  ),
} as const;
