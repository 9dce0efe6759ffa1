import { z } from 'zod';
import { idSchema, sessionSchema } from '../domain.js';
import { method } from './spec.js';

/** Containers the recording sink accepts: WebM with VP8/VP9 video and Opus audio. */
export const recordingMimeSchema = z
  .string()
  .regex(/^video\/webm(;\s*codecs="?(vp8|vp9)(,\s*opus)?"?)?$/i, 'Recording must be WebM with VP8 or VP9 video and Opus audio');

/** Upper bound for one chunk: a second of high-bitrate video stays far below it. */
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

export const recordingMethods = {
  'recording.start': method(z.object({ sessionId: idSchema, mimeType: recordingMimeSchema }).strict(), sessionSchema),
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
  'recording.stop': method(z.object({ sessionId: idSchema }).strict(), sessionSchema),
} as const;
