import { z } from 'zod';
import { idSchema } from '../domain.js';
import { messageRefSchema } from './message-ref.js';
import { method } from './spec.js';
import { MAX_IMPORT_CHUNK_BYTES } from './analysis.js';

/**
 * The work queue of the Sessions view: clips imported (each a new session of one participant and protocol,
 * made playable and, if asked, analysed), sessions analysed or exported in bulk. It is kept in the data folder
 * and resumes after a restart where each item stopped. Who does the analysis is the batch's executor: "this
 * computer" now; others (lab workers) register beside it.
 */
export const BATCH_KINDS = ['import', 'analyse', 'export'] as const;
export type BatchKind = (typeof BATCH_KINDS)[number];

/**
 * An item's state. `waiting`: an import whose file has not (all) arrived; `queued`: ready, not started; then the
 * step it is in; then how it ended.
 */
export const ITEM_STATES = ['waiting', 'queued', 'importing', 'converting', 'analysing', 'exporting', 'done', 'failed', 'cancelled'] as const;
export type ItemState = (typeof ITEM_STATES)[number];
export const FINISHED_STATES: readonly ItemState[] = ['done', 'failed', 'cancelled'];

export const batchItemSchema = z.object({
  id: idSchema,
  batchId: idSchema,
  seq: z.number().int().nonnegative(),
  /** An import's clip as it was picked (its path inside the picked folder); null for sessions. */
  label: z.string().nullable(),
  bytes: z.number().int().nonnegative().nullable(),
  /** Bytes of an import's file received so far (while waiting for it). */
  received: z.number().int().nonnegative(),
  state: z.enum(ITEM_STATES),
  /** How far the current step is, 0..1. */
  fraction: z.number().min(0).max(1),
  /** Why it failed or was cancelled, or a warning about a clip that went in (in English; null: nothing to say). */
  message: z.string().nullable(),
  /** The same as catalogue entries, which the interface words in its language. */
  notes: z.array(messageRefSchema),
  sessionId: idSchema.nullable(),
  runId: idSchema.nullable(),
  durationMs: z.number().nullable(),
});
export type BatchItemView = z.infer<typeof batchItemSchema>;

export const batchSummarySchema = z.object({
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  /** Items whose file has not arrived: after a restart, pick the same files again to continue. */
  waiting: z.number().int(),
  /** Work done, 0..1, items weighted by their length (bytes where the length is not known yet). */
  fraction: z.number().min(0).max(1),
  /** Time left at the rate measured so far; null until it can be estimated. */
  etaMs: z.number().nonnegative().nullable(),
  /** Something in it is still to do. */
  active: z.boolean(),
});
export type BatchSummary = z.infer<typeof batchSummarySchema>;

export const batchSchema = z.object({
  id: idSchema,
  kind: z.enum(BATCH_KINDS),
  executor: z.string(),
  participantId: idSchema.nullable(),
  participantCode: z.string().nullable(),
  protocol: z.string().nullable(),
  /** Import: analyse each clip once it is in. */
  analyse: z.boolean(),
  /** Export: the folder the files go to. */
  folder: z.string().nullable(),
  createdAt: z.string(),
  items: z.array(batchItemSchema),
  summary: batchSummarySchema,
});
export type BatchView = z.infer<typeof batchSchema>;

export const executorSchema = z.object({
  id: z.string(),
  /** In words for the user, e.g. "This computer". */
  label: z.string(),
  /** Why it cannot take work now (e.g. no lab server configured); null when it can. */
  unavailable: z.string().nullable(),
});
export type ExecutorView = z.infer<typeof executorSchema>;

/** A path inside a picked folder, as the browser gives it ("day 1/clip 3.avi"): text only, never opened as a path. */
const clipLabel = z
  .string()
  .trim()
  .min(1, 'File name must not be empty')
  .max(1024, 'File name is too long')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'File name must not contain control characters');

export const MAX_BATCH_ITEMS = 10_000;
const executorId = z.string().min(1).max(64).regex(/^[a-z][a-z0-9-]*$/).default('local');

export const batchCreateSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('import'),
      participantId: idSchema,
      protocol: z.string().trim().min(1, 'Protocol must not be empty').max(200),
      analyse: z.boolean().default(true),
      executor: executorId,
      files: z.array(z.object({ name: clipLabel, size: z.number().int().positive() }).strict()).min(1).max(MAX_BATCH_ITEMS),
    })
    .strict(),
  z.object({ kind: z.literal('analyse'), sessionIds: z.array(idSchema).min(1).max(MAX_BATCH_ITEMS), executor: executorId }).strict(),
  z
    .object({
      kind: z.literal('export'),
      sessionIds: z.array(idSchema).min(1).max(MAX_BATCH_ITEMS),
      /** An absolute folder; default: a new folder under the data folder's exports/. */
      outDir: z.string().min(1).max(4096).optional(),
      bom: z.boolean().default(false),
    })
    .strict(),
]);
export type BatchCreate = z.input<typeof batchCreateSchema>;

const batchId = z.object({ batchId: idSchema }).strict();
const itemId = z.object({ itemId: idSchema }).strict();

export const batchMethods = {
  /** Who can do the analysis of a batch: this computer, and any executor registered beside it. */
  'batch.executors': method(z.object({}).strict(), z.array(executorSchema)),
  /** Queues clips (their bytes follow with batch.uploadChunk/Done) or sessions; starts at once. */
  'batch.create': method(batchCreateSchema, batchSchema),
  /** Every batch, newest first. */
  'batch.list': method(z.object({}).strict(), z.array(batchSchema)),
  /** A chunk of an import item's file, numbered from 0; a resent chunk is ignored, chunk 0 starts it again. */
  'batch.uploadChunk': method(
    z
      .object({
        itemId: idSchema,
        seq: z.number().int().nonnegative(),
        data: z.instanceof(Uint8Array).refine((d) => d.byteLength <= MAX_IMPORT_CHUNK_BYTES, 'Chunk is larger than 16 MiB'),
      })
      .strict(),
    z.object({ received: z.number().int().nonnegative() }),
  ),
  /** The item's file is complete: it joins the queue. */
  'batch.uploadDone': method(itemId, batchItemSchema),
  /** Cancels one item, or every unfinished item of the batch. What an item had finished stays (its session). */
  'batch.cancel': method(z.object({ batchId: idSchema, itemId: idSchema.optional() }).strict(), batchSchema),
  /** Queues a failed or cancelled item again, from the step it stopped at. */
  'batch.retry': method(itemId, batchItemSchema),
  /** Clears a batch with nothing left to do from the queue (its sessions stay). */
  'batch.remove': method(batchId, z.object({ removed: z.literal(true) })),
} as const;

export const batchEvents = {
  /** An item changed (state, progress), with its batch's new summary. */
  'batch.item': z.object({ item: batchItemSchema, summary: batchSummarySchema }),
  /** A batch was created, cancelled or removed: reload the list. */
  'batch.changed': z.object({ batchId: idSchema }),
} as const;
