/**
 * What an analysis job carries through Redis: ids and paths only, never a participant's code, a note or a clip's
 * original file name (those often hold names). Versioned and self-describing, so a worker of another release
 * refuses a job it does not understand with a reason instead of guessing.
 */
import { z } from 'zod';
import { analysisParamsSchema } from '../../../src-shared/analysis.js';
import { idSchema } from '../../../src-shared/domain.js';
import { shareRefSchema } from './shares.js';

export const QUEUE_NAME = 'affect-analysis';
export const JOB_FORMAT = 'affect-studio/analysis-job';
export const JOB_VERSION = 1;

/** A model as the submitter's analysis would run it; a worker whose models differ refuses the job. */
export const jobModelSchema = z.object({ id: z.string().max(200), task: z.string().max(100), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
export type JobModel = z.infer<typeof jobModelSchema>;

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);
/** The clip's container, for the analysis' import step (which decides by extension). */
const extSchema = z.string().regex(/^\.[a-z0-9]{2,5}$/);

/** The most a clip sent inside a job may hold (the submitter's --inline-max-mb cannot go higher); a worker refuses more. */
export const MAX_INLINE_BYTES = 512 * 1024 * 1024;

export const clipSourceSchema = z.discriminatedUnion('via', [
  /** On a file server every machine mounts (the path mapping). */
  z.object({ via: z.literal('share'), ref: shareRefSchema }).strict(),
  /** Small clips travel in the job itself (base64). */
  z.object({ via: z.literal('inline'), data: z.string().max(Math.ceil(MAX_INLINE_BYTES / 3) * 4).regex(/^[A-Za-z0-9+/]*={0,2}$/) }).strict(),
]);
export type ClipSource = z.infer<typeof clipSourceSchema>;

export const analysisJobSchema = z
  .object({
    format: z.literal(JOB_FORMAT),
    version: z.literal(JOB_VERSION),
    /** The submitting data folder's random id: jobs of different folders never mix. */
    folder: z.string().regex(/^[0-9a-f]{32}$/),
    sessionId: idSchema,
    mediaFileId: idSchema,
    clip: clipSourceSchema,
    ext: extSchema,
    bytes: z.number().int().positive(),
    sha256: sha256Schema,
    params: analysisParamsSchema,
    models: z.array(jobModelSchema).min(1).max(50),
    softwareVersion: z.string().max(100),
  })
  .strict();
export type AnalysisJob = z.infer<typeof analysisJobSchema>;

/** Job ids: the folder, then the submitting folder's own job number (BullMQ ids may not contain ':'). */
export function jobIdOf(folder: string, localId: number): string {
  return `${folder}-${localId}`;
}

/** The folder and local job number of a job id, or null for a job id that is not ours to read. */
export function parseJobId(jobId: string): { folder: string; localId: number } | null {
  const m = /^([0-9a-f]{32})-([1-9][0-9]{0,14})$/.exec(jobId);
  return m ? { folder: m[1], localId: Number(m[2]) } : null;
}

/** How often a job is tried, and how long to wait before trying again (doubling each time). */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffMs: 10_000 };

/** Clips up to this size may travel in the job when they are on no share (Redis holds them until collected). */
export const DEFAULT_INLINE_MAX_BYTES = 32 * 1024 * 1024;
