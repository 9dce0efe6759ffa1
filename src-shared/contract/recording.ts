import { z } from 'zod';
import { recordingStatsSchema } from '../recording-stats.js';
import { idSchema, sessionSchema } from '../domain.js';
import { keepMediaSchema } from '../governance.js';
import { method } from './spec.js';

/** Containers the recording sink accepts: WebM with VP8/VP9 video and Opus audio, or Opus audio alone. */
export const recordingMimeSchema = z
  .string()
  .regex(
    /^(video\/webm(;\s*codecs="?(vp8|vp9)(,\s*opus)?"?)?|audio\/webm(;\s*codecs="?opus"?)?)$/i,
    'Recording must be WebM with VP8 or VP9 video and Opus audio, or WebM with Opus audio',
  );

/** Upper bound for one chunk: a second of high-bitrate video stays far below it. */
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

export const recordingMethods = {
  /**
   * Starts recording. `keep` says which media are written to disk (default both); with neither, no media file is
   * ever written and only the live analysis is stored (mimeType is then not needed). Each kept medium needs the
   * participant's consent, and storing analysis needs consent to automated analysis.
   */
  'recording.start': method(
    z
      .object({ sessionId: idSchema, mimeType: recordingMimeSchema.optional(), keep: keepMediaSchema.default({ video: true, audio: true }) })
      .strict()
      .refine((x) => x.mimeType !== undefined || (!x.keep.video && !x.keep.audio), 'mimeType is needed when media are kept'),
    sessionSchema,
  ),
  'recording.chunk': method(
    z
      .object({
        sessionId: idSchema,
        /** 0-based, consecutive; a repeated seq is ignored, a gap is refused. */
        seq: z.number().int().nonnegative(),
        data: z.instanceof(Uint8Array).refine((d) => d.byteLength <= MAX_CHUNK_BYTES, 'Chunk is larger than 16 MiB'),
      })
      .strict(),
    z.object({ bytesWritten: z.number().int().nonnegative(), chunks: z.number().int().nonnegative() }),
  ),
  /** `elapsedMs`: the recording clock's duration, used for sessions that keep no media (there is no file to measure). */
  'recording.stop': method(
    z
      .object({
        sessionId: idSchema,
        elapsedMs: z.number().nonnegative().max(7 * 24 * 3600 * 1000).optional(),
        /** What the camera delivered while recording (frames received against its nominal rate), kept with the session. */
        stats: recordingStatsSchema.optional(),
      })
      .strict(),
    sessionSchema,
  ),
} as const;
