import { z } from 'zod';
import { idSchema } from '../domain.js';
import { MAX_NOTE_LENGTH } from '../labels/segments.js';
import { labelValueSchema, vocabularySchema } from '../labels/vocabulary.js';
import { method } from './spec.js';
import { enText } from '../i18n/errors.js';

/** Segment ids are made by the editor (UUIDs) so they stay the same through undo and redo. */
export const segmentIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Segment id must be 1–64 letters, digits, - or _');

export const labelSegmentSchema = z
  .object({
    id: segmentIdSchema,
    startMs: z.number().int().nonnegative().max(2 ** 40),
    endMs: z.number().int().positive().max(2 ** 40),
    label: labelValueSchema,
    note: z.string().max(MAX_NOTE_LENGTH, `A note can be at most ${MAX_NOTE_LENGTH} characters`),
  })
  .strict();

/** A rater's name on a tier: who labelled, as written in exports. Free text, but one line and short. */
export const raterSchema = z
  .string()
  .trim()
  .min(1, enText('errors.raterEmpty'))
  .max(60, enText('errors.raterTooLong'))
  .regex(/^[^\r\n\t]+$/, enText('errors.raterOneLine'));

export const storedSegmentSchema = labelSegmentSchema.extend({ createdAt: z.string(), updatedAt: z.string() });
export type StoredSegment = z.infer<typeof storedSegmentSchema>;

export const labelTierSchema = z.object({
  id: idSchema,
  sessionId: idSchema,
  rater: z.string(),
  createdAt: z.string(),
  /** Sorted by start. */
  segments: z.array(storedSegmentSchema),
});
export type LabelTier = z.infer<typeof labelTierSchema>;

/** What one user action did to a tier (segments removed and added, in full); undo sends the inverse. */
export const changesetSchema = z
  .object({
    remove: z.array(labelSegmentSchema).max(100),
    add: z.array(labelSegmentSchema).max(100),
  })
  .strict()
  .refine((c) => c.remove.length + c.add.length > 0, 'The change is empty');

export const LABEL_ACTIONS = ['create', 'bounds', 'split', 'delete', 'relabel', 'note', 'undo', 'redo'] as const;

export const agreementSideSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rater'), rater: raterSchema }).strict(),
  /** The fused estimate of the session's analysis run shown in Review (latest complete offline run, else live). */
  z.object({ kind: z.literal('model') }).strict(),
]);
export type AgreementSide = z.infer<typeof agreementSideSchema>;

const skippedSchema = z.object({
  onlyA: z.number().int(),
  onlyB: z.number().int(),
  modelUnreliable: z.number().int(),
  notModelClass: z.number().int(),
});

const kappaFieldsSchema = z.object({
  kappa: z.number().nullable(),
  observed: z.number().nullable(),
  expected: z.number().nullable(),
  /** Grid instants compared. */
  n: z.number().int(),
  skipped: skippedSchema,
});

export const agreementResultSchema = kappaFieldsSchema.extend({
  gridMs: z.number(),
  categories: z.array(z.string()),
  /** Rows: side A; columns: side B. Pooled over the sessions listed. */
  matrix: z.array(z.array(z.number().int())),
  perSession: z.array(
    kappaFieldsSchema.extend({
      sessionId: idSchema,
      participantCode: z.string(),
      /** Why this session contributed nothing, in words (e.g. "no tier for rater B"); null when it did. */
      missing: z.string().nullable(),
    }),
  ),
});
export type AgreementResult = z.infer<typeof agreementResultSchema>;

export const labelMethods = {
  /** The project's vocabulary and every tier (one per rater) of a session, with its segments. */
  'labels.get': method(
    z.object({ sessionId: idSchema }).strict(),
    z.object({ vocabulary: z.array(z.string()), tiers: z.array(labelTierSchema) }),
  ),
  'labels.addTier': method(z.object({ sessionId: idSchema, rater: raterSchema }).strict(), labelTierSchema),
  /** Only an empty tier can be removed; delete its segments first (each undoable). */
  'labels.removeTier': method(z.object({ tierId: idSchema }).strict(), z.object({ removed: z.literal(true) })),
  /**
   * Applies one edit atomically and saves it at once. Refused (conflict) when a removed segment is no longer
   * exactly as given, or the result would overlap; the tier is then unchanged.
   */
  'labels.apply': method(
    z.object({ tierId: idSchema, action: z.enum(LABEL_ACTIONS), changeset: changesetSchema }).strict(),
    labelTierSchema,
  ),
  /** Replaces the project's controlled vocabulary. A label still used by a segment cannot be removed. */
  'labels.setVocabulary': method(z.object({ items: vocabularySchema }).strict(), z.array(z.string())),
  /** Every rater with a tier in any session, for choosing who to compare. */
  'labels.raters': method(z.object({}).strict(), z.array(z.object({ rater: z.string(), sessions: z.number().int(), segments: z.number().int() }))),
  /** One CSV row per segment (docs/labels-csv.md), for the sessions given. */
  'labels.exportCsv': method(
    z.object({ sessionIds: z.array(idSchema).min(1).max(10_000) }).strict(),
    z.object({ fileName: z.string(), csv: z.string(), rows: z.number().int() }),
  ),
  /** Cohen's kappa and confusion matrix between two raters, or a rater and the model, pooled over sessions. */
  'labels.agreement': method(
    z
      .object({
        sessionIds: z.array(idSchema).min(1).max(10_000),
        a: agreementSideSchema.refine((s) => s.kind === 'rater', 'Side A must be a rater'),
        b: agreementSideSchema,
        /** Rater vs rater grid step; rater vs model always uses the fused grid. */
        gridMs: z.number().int().min(10).max(10_000).default(100),
        /** Count time only one rater labelled, as a "(none)" category (rater vs rater only). */
        includeUnlabelled: z.boolean().default(false),
      })
      .strict(),
    agreementResultSchema,
  ),
} as const;
