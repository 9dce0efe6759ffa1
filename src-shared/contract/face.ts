import { z } from 'zod';
import { EMOTIONS } from '../emotions.js';
import { faceGeometrySchema } from '../face-geometry.js';
import { idSchema } from '../domain.js';
import { method } from './spec.js';

/** Live frames are downscaled in the renderer: the short side is at most this many pixels. */
export const MAX_LIVE_SHORT_SIDE = 480;
/** Enough for a few frames per request at 480p RGBA, and a guard against runaway payloads. */
export const MAX_LIVE_FRAMES_PER_REQUEST = 4;

/**
 * One downscaled camera frame as RGBA bytes (row-major, 4 bytes per pixel). `tMs` is the capture time in
 * milliseconds from the session's media start (the renderer's clock for the recording), so live rows line up
 * with the recorded file.
 */
export const liveFrameSchema = z
  .object({
    tMs: z.number().finite().nonnegative(),
    width: z.number().int().positive().max(4096),
    height: z.number().int().positive().max(4096),
    rgba: z.instanceof(Uint8Array),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (Math.min(f.width, f.height) > MAX_LIVE_SHORT_SIDE) {
      ctx.addIssue({ code: 'custom', path: ['width'], message: `Frame short side must be at most ${MAX_LIVE_SHORT_SIDE} px` });
    }
    if (f.rgba.byteLength !== f.width * f.height * 4) {
      ctx.addIssue({ code: 'custom', path: ['rgba'], message: `Expected ${f.width * f.height * 4} RGBA bytes, got ${f.rgba.byteLength}` });
    }
  });
export type LiveFrame = z.infer<typeof liveFrameSchema>;

export const faceBoxSchema = z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() });
export type FaceBox = z.infer<typeof faceBoxSchema>;

/** Quality of one observation; `reliable` is false when any threshold in models/MODEL_CARD.md fails. */
export const faceQualitySchema = z.object({
  detScore: z.number(),
  /** Longer side of the detected face box, in pixels of the analysed frame. */
  sizePx: z.number(),
  /** Head roll from the eye keypoints, degrees, positive = clockwise in the image. */
  rollDeg: z.number(),
  /** Variance of the Laplacian of the aligned 64×64 gray crop (0..255 scale). */
  sharpness: z.number(),
  reliable: z.boolean(),
  /** Which thresholds failed, e.g. ["size", "sharpness"]; empty when reliable. */
  reasons: z.array(z.enum(['score', 'size', 'roll', 'sharpness'])),
});
export type FaceQuality = z.infer<typeof faceQualitySchema>;

export const faceObservationSchema = z.object({
  trackId: z.number().int().positive(),
  /** The tracked face taken to be the participant (largest/central, kept while it stays in view). */
  participant: z.boolean(),
  /** In pixels of the analysed frame (the frame's own width/height). */
  box: faceBoxSchema,
  quality: faceQualitySchema,
  /** Probabilities in canonical order (src-shared/emotions.ts); null for a class the model lacks (contempt for a seven-class model). */
  probs: z.array(z.number().nullable()).length(EMOTIONS.length),
  dominant: z.enum(EMOTIONS),
  /** Head pose, eyes and AU estimates from the face mesh; absent when the mesh is switched off or failed. */
  geometry: faceGeometrySchema.optional(),
});
export type FaceObservation = z.infer<typeof faceObservationSchema>;

export const frameFacesSchema = z.object({
  tMs: z.number(),
  width: z.number().int(),
  height: z.number().int(),
  /** Empty: no face in this frame (shown as such, never filled in from earlier frames). */
  faces: z.array(faceObservationSchema),
});
export type FrameFaces = z.infer<typeof frameFacesSchema>;

export const faceMethods = {
  /**
   * Analyses live frames of a session that is being captured. Tracks persist across calls for the same
   * session; results are stored as face_obs rows of the session's live analysis run.
   */
  'face.analyzeFrames': method(
    z
      .object({
        sessionId: idSchema,
        frames: z.array(liveFrameSchema).min(1).max(MAX_LIVE_FRAMES_PER_REQUEST),
        /**
         * True when the frames' times are on the recording's clock (captured after the recording started). Only
         * such frames are stored, so a preview frame still in flight when recording starts is never stored under
         * the recording's time axis.
         */
        recordingClock: z.boolean().default(false),
      })
      .strict(),
    z.object({ results: z.array(frameFacesSchema), processingMs: z.number() }),
  ),
} as const;
