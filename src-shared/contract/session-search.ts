import { z } from 'zod';
import { idSchema, sessionSchema } from '../domain.js';
import { method } from './spec.js';

const isoInstant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'Use an ISO 8601 date and time');

export const sessionFilterSchema = z
  .object({
    participantId: idSchema.optional(),
    /** Part of the protocol name, any case. */
    protocol: z.string().trim().max(200).optional(),
    /** Sessions started (or, if never started, created) at or after this instant. */
    from: isoInstant.optional(),
    /** … and before this instant. The renderer turns local calendar days into instants. */
    to: isoInstant.optional(),
    /** true: at least one label segment; false: none. */
    labelled: z.boolean().optional(),
    /** Only sessions with a tier for this rater. */
    rater: z.string().trim().max(60).optional(),
  })
  .strict();
export type SessionFilter = z.infer<typeof sessionFilterSchema>;

export const sessionSearchRowSchema = sessionSchema.extend({
  labelSegments: z.number().int().nonnegative(),
  raters: z.array(z.string()),
});
export type SessionSearchRow = z.infer<typeof sessionSearchRowSchema>;

export const sessionSearchMethods = {
  /** sessions.list with filters, newest first, each with its labelling state. */
  'sessions.search': method(sessionFilterSchema, z.array(sessionSearchRowSchema)),
  /** Distinct protocols, for the filter's choices. */
  'sessions.protocols': method(z.object({}).strict(), z.array(z.string())),
} as const;
