import { z } from 'zod';
import { idSchema, mediaFileSchema } from '../domain.js';
import { messageRefSchema } from './message-ref.js';
import { method } from './spec.js';

export const madePlayableSchema = z.object({
  /** The file Review plays: the clip itself, or its playable copy. */
  media: mediaFileSchema,
  /** A copy was made by this request. */
  copied: z.boolean(),
  /** Why the clip could not be played as it was. */
  reason: z.string().optional(),
  reasonNote: messageRefSchema.optional(),
  /** The original was not kept (Settings: keep imported originals). */
  originalRemoved: z.boolean().optional(),
});
export type MadePlayableView = z.infer<typeof madePlayableSchema>;

export const mediaMethods = {
  /**
   * Makes a session's media file playable in the app: a clip that plays is left as it is; another gets a
   * playable copy (WebM, original frame times). Imports do this themselves; this is for clips imported before.
   * Progress arrives as `media.progress` events.
   */
  'media.makePlayable': method(z.object({ sessionId: idSchema, mediaFileId: idSchema }).strict(), madePlayableSchema),
  /**
   * The waveform Review draws for a session without video: the lowest and highest sample (−1..1) in each of
   * `buckets` equal slices of the file it plays.
   */
  'media.waveform': method(
    z.object({ sessionId: idSchema, buckets: z.number().int().min(10).max(8000) }).strict(),
    z.object({ durationMs: z.number(), min: z.array(z.number()), max: z.array(z.number()) }).nullable(),
  ),
} as const;

export const mediaEvents = {
  /** A playable copy being made: the fraction of the original converted so far. */
  'media.progress': z.object({ sessionId: idSchema, mediaFileId: idSchema, stage: z.literal('converting'), fraction: z.number().min(0).max(1) }),
} as const;
