/**
 * Lab workers (issue 23): analysis of a data folder's sessions on other machines through a BullMQ queue on the
 * lab's Redis. The data folder that submits keeps a row per job; results come back as bundles and are stored by
 * queue.collect exactly once.
 */
import { z } from 'zod';
import { idSchema } from '../domain.js';
import { method } from './spec.js';

/** A refusal's catalogue entry (src-shared/i18n), so the interface words it in its own language. */
const messageRefSchema = z.object({ key: z.string().max(200), vars: z.record(z.string(), z.union([z.string(), z.number()])).optional() });

/**
 * A job's state as the queue panel shows it. waiting: in the queue; retrying: an attempt failed, the next one
 * waits out its backoff; active: a worker analyses it; finished: the worker's result waits to be stored here;
 * done: stored (its run is in the session); failed: gave up, with the reason; lost: Redis no longer knows the job
 * (it was flushed or restarted without persistence): submit the session again.
 */
export const QUEUE_JOB_STATES = ['waiting', 'retrying', 'active', 'finished', 'done', 'failed', 'lost'] as const;
export const queueJobStateSchema = z.enum(QUEUE_JOB_STATES);
export type QueueJobState = z.infer<typeof queueJobStateSchema>;

export const queueJobViewSchema = z.object({
  /** This data folder's job number. */
  id: idSchema,
  /** The job's id in the queue. */
  jobId: z.string(),
  sessionId: idSchema,
  state: queueJobStateSchema,
  /** The worker working on it or that finished it (host:pid unless named). */
  worker: z.string().nullable(),
  percent: z.number().min(0).max(100).nullable(),
  /** Failed attempts so far. */
  attempts: z.number().int().nonnegative(),
  /** Why it failed (or its last attempt did), in English; null while nothing failed. */
  error: z.string().nullable(),
  /** The same as a catalogue entry, which the interface words in its language (null: show `error` as it is). */
  errorNote: messageRefSchema.nullable(),
  runId: idSchema.nullable(),
  via: z.enum(['share', 'inline']),
  submittedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type QueueJobView = z.infer<typeof queueJobViewSchema>;

export const queueWorkerViewSchema = z.object({
  name: z.string(),
  /** Connected to the queue now. */
  online: z.boolean(),
  active: z.number().int().nonnegative(),
  /** This data folder's jobs it finished (stored here) or failed. */
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type QueueWorkerView = z.infer<typeof queueWorkerViewSchema>;

export const queueCountsSchema = z.object({
  waiting: z.number().int().nonnegative(),
  active: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  lost: z.number().int().nonnegative(),
});

export const queueStatusSchema = z.object({
  /** Where jobs go: the Redis URL without its password, and the queue's name; null when not connected. */
  connection: z.object({ url: z.string(), queue: z.string(), shares: z.array(z.string()) }).nullable(),
  /** Why the queue cannot be read now (Redis unreachable), else null. */
  error: z.string().nullable(),
  errorNote: messageRefSchema.nullable(),
  counts: queueCountsSchema,
  workers: z.array(queueWorkerViewSchema),
  /** Newest first, at most 500. */
  jobs: z.array(queueJobViewSchema),
});
export type QueueStatus = z.infer<typeof queueStatusSchema>;

const absolutePath = z.string().min(1).max(4096);

export const queueConnectInputSchema = z
  .object({
    /** redis://HOST:PORT[/DB] or rediss:// for TLS. A password in it is used but never stored or shown. */
    url: z.string().min(1).max(2048),
    /** The Redis password (kept in memory only); default: the URL's, else none. */
    password: z.string().max(1024).optional(),
    /** PEM file of a private CA that signed the server's TLS certificate. */
    caFile: absolutePath.optional(),
    queue: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/).optional(),
    /** Folders every machine mounts, by name (the path mapping): clips on them travel as paths. */
    shares: z.array(z.object({ name: z.string().max(64), folder: absolutePath }).strict()).max(50).default([]),
    /** Clips on no share up to this size travel in the job itself (default 32 MiB). */
    inlineMaxBytes: z.number().int().min(0).max(512 * 1024 * 1024).optional(),
    /** Attempts per job and the first retry's delay (doubling each time). */
    attempts: z.number().int().min(1).max(20).optional(),
    backoffMs: z.number().int().min(0).max(3_600_000).optional(),
  })
  .strict();
export type QueueConnectInput = z.input<typeof queueConnectInputSchema>;

export const queueSubmitItemSchema = z
  .object({
    sessionId: idSchema,
    /** Default: the session's newest media file. */
    mediaFileId: idSchema.optional(),
    /**
     * Absolute path of the original clip (on a share, so workers read it there); it must be the very clip imported
     * (its content hash is checked). Default: the copy in the data folder.
     */
    sourcePath: absolutePath.optional(),
  })
  .strict();

export const queueMethods = {
  /** Connects this data folder to the lab's queue (checked by a round trip to Redis); remembered without password. */
  'queue.connect': method(queueConnectInputSchema, queueStatusSchema),
  'queue.disconnect': method(z.object({}).strict(), z.object({ disconnected: z.boolean() })),
  /** The remembered connection (without password), to prefill the form. */
  'queue.settings': method(
    z.object({}).strict(),
    z.object({ url: z.string().nullable(), queue: z.string().nullable(), shares: z.array(z.object({ name: z.string(), folder: z.string() })), connected: z.boolean() }),
  ),
  /** One job per session; consent to automated analysis is required. */
  'queue.submit': method(
    z.object({ items: z.array(queueSubmitItemSchema).min(1).max(10_000) }).strict(),
    z.object({
      jobs: z.array(z.object({ id: idSchema, jobId: z.string(), sessionId: idSchema, via: z.enum(['share', 'inline']) })),
      refused: z.array(z.object({ sessionId: idSchema, message: z.string(), i18n: messageRefSchema.optional() })),
    }),
  ),
  'queue.status': method(z.object({}).strict(), queueStatusSchema),
  /** Stores finished results (each job at most once) and records failed jobs with their reasons. */
  'queue.collect': method(
    z.object({}).strict(),
    z.object({
      stored: z.array(z.object({ id: idSchema, sessionId: idSchema, runId: idSchema, worker: z.string() })),
      failed: z.array(z.object({ id: idSchema, sessionId: idSchema, error: z.string(), errorNote: messageRefSchema })),
    }),
  ),
  /** Submits failed jobs again (new jobs for the same sessions). */
  'queue.retry': method(z.object({ ids: z.array(idSchema).min(1).max(10_000) }).strict(), z.object({ jobs: z.array(z.object({ id: idSchema, sessionId: idSchema })), refused: z.array(z.object({ id: idSchema, message: z.string(), i18n: messageRefSchema.optional() })) })),
} as const;
