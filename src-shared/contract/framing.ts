import { z } from 'zod';
import { idSchema } from '../domain.js';
import { method } from './spec.js';
import { enText } from '../i18n/errors.js';

/** The camera preview's framing checks (src-renderer/lib/vision/framing.ts, thresholds in docs/framing.md). */
export const FRAMING_CHECKS = ['present', 'size', 'centring', 'brightness', 'contrast', 'sharpness'] as const;
export type FramingCheck = (typeof FRAMING_CHECKS)[number];

/** A day of recording, as a bound on what one report may claim. */
const MAX_MS = 24 * 3600 * 1000;
const ms = z.number().finite().nonnegative().max(MAX_MS);

export const framingTotalsSchema = z
  .object({
    /** Milliseconds of the recording during which the preview judged the framing. */
    totalMs: ms,
    /** Of those, milliseconds during which each check failed. */
    failedMs: z.object(Object.fromEntries(FRAMING_CHECKS.map((c) => [c, ms])) as Record<FramingCheck, typeof ms>).strict(),
  })
  .strict()
  .superRefine((t, ctx) => {
    for (const c of FRAMING_CHECKS) {
      if (t.failedMs[c] > t.totalMs + 1e-6) ctx.addIssue({ code: 'custom', path: ['failedMs', c], message: enText('errors.framingTooLong') });
    }
  });
export type FramingTotals = z.infer<typeof framingTotalsSchema>;

export const sessionFramingSchema = z.object({
  sessionId: idSchema,
  totalMs: z.number(),
  /** Share of totalMs (0..1) during which each check failed. */
  failedShare: z.object(Object.fromEntries(FRAMING_CHECKS.map((c) => [c, z.number()])) as Record<FramingCheck, z.ZodNumber>),
  updatedAt: z.string(),
});
export type SessionFraming = z.infer<typeof sessionFramingSchema>;

export const framingMethods = {
  /**
   * The framing totals of a recording so far (cumulative: each report replaces the last), sent every few
   * seconds while recording and once after it stops, so a crash loses at most the last few seconds.
   */
  'framing.report': method(z.object({ sessionId: idSchema, totals: framingTotalsSchema }).strict(), sessionFramingSchema),
  /** The stored framing shares of a session; null when none were reported (e.g. an imported clip). */
  'framing.get': method(z.object({ sessionId: idSchema }).strict(), sessionFramingSchema.nullable()),
} as const;
