/**
 * The result bundle a worker returns: self-describing (format, version, schema version, column names), with
 * everything needed to store the run in the submitting data folder as if it had been analysed there — the run's
 * settings, the models with their sha256, the execution provider, who analysed it on which host, and every
 * observation row. Fused rows and episodes are not carried: the submitter fuses the observations itself.
 *
 * On the wire it is gzip'd JSON in base64 (a BullMQ return value is a JSON string); decoding is bounded, so a
 * hostile bundle cannot make the submitter inflate gigabytes.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { z } from 'zod';
import { analysisParamsSchema, runModelSchema } from '../../../src-shared/analysis.js';
import { idSchema } from '../../../src-shared/domain.js';
import type { Cell, RunTable } from '../store/run-rows-repo.js';

export const RESULT_FORMAT = 'affect-studio/result-bundle';
export const RESULT_VERSION = 1;
const WIRE_FORMAT = `${RESULT_FORMAT}+gzip+base64`;

/** Decoded bundles larger than this are refused (an hour of 30 fps face rows is about 60 MB of JSON). */
export const MAX_BUNDLE_JSON_BYTES = 1024 * 1024 * 1024;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
/** JSON has no Infinity or byte strings: those cells are objects. */
const cellSchema = z.union([z.number(), z.string(), z.null(), z.object({ b64 }).strict(), z.object({ inf: z.union([z.literal(1), z.literal(-1)]) }).strict()]);
type WireCell = z.infer<typeof cellSchema>;

const tableSchema = z.object({ columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).min(1).max(2000), rows: z.array(z.array(cellSchema)) }).strict();

export const workerInfoSchema = z
  .object({
    /** The worker's name in the queue (host:pid unless --name gave one). */
    name: z.string().max(200),
    host: z.string().max(255),
    pid: z.number().int(),
    platform: z.string().max(50),
    softwareVersion: z.string().max(100),
  })
  .strict();
export type WorkerInfo = z.infer<typeof workerInfoSchema>;

export const bundleRunSchema = z
  .object({
    params: analysisParamsSchema,
    models: z.array(runModelSchema),
    provider: z.string().max(200).nullable(),
    providerDetail: z.string().max(10_000).nullable(),
    softwareVersion: z.string().max(100),
    mediaDurationMs: z.number().nonnegative().nullable(),
    /** How far each modality's stage got (ms of media), as the worker's run recorded it. */
    modalityProgress: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.number().nonnegative().nullable()),
    startedAt: z.string().max(40),
    endedAt: z.string().max(40),
    /** Wall time of the analysis on the worker. */
    analysisMs: z.number().nonnegative(),
  })
  .strict();

export const resultBundleSchema = z
  .object({
    format: z.literal(RESULT_FORMAT),
    version: z.literal(RESULT_VERSION),
    jobId: z.string().max(100),
    folder: z.string().regex(/^[0-9a-f]{32}$/),
    sessionId: idSchema,
    mediaFileId: idSchema,
    /** The bytes the worker analysed. */
    clipSha256: z.string().regex(/^[0-9a-f]{64}$/),
    worker: workerInfoSchema,
    run: bundleRunSchema,
    /** The worker's database schema version: observation tables are carried as that schema has them. */
    schemaVersion: z.number().int().nonnegative(),
    tables: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/), tableSchema),
  })
  .strict();

export type ResultBundle = Omit<z.infer<typeof resultBundleSchema>, 'tables'> & { tables: Record<string, RunTable> };

const wireSchema = z.object({ format: z.literal(WIRE_FORMAT), data: b64 }).strict();
export type WireBundle = z.infer<typeof wireSchema>;

export class BundleError extends Error {}

function toWire(c: Cell): WireCell {
  if (c instanceof Uint8Array) return { b64: Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('base64') };
  if (typeof c === 'number' && !Number.isFinite(c)) {
    if (Number.isNaN(c)) return null; // SQLite stores NaN as NULL anyway
    return { inf: c > 0 ? 1 : -1 };
  }
  return c;
}

function fromWire(c: WireCell): Cell {
  if (c !== null && typeof c === 'object') return 'b64' in c ? new Uint8Array(Buffer.from(c.b64, 'base64')) : c.inf * Infinity;
  return c;
}

export async function encodeBundle(b: ResultBundle): Promise<WireBundle> {
  const tables = Object.fromEntries(Object.entries(b.tables).map(([name, t]) => [name, { columns: t.columns, rows: t.rows.map((r) => r.map(toWire)) }]));
  const json = JSON.stringify({ ...b, tables });
  const gz = await promisify(gzip)(Buffer.from(json, 'utf8'));
  return { format: WIRE_FORMAT, data: gz.toString('base64') };
}

export async function decodeBundle(wire: unknown, opts: { maxJsonBytes?: number } = {}): Promise<ResultBundle> {
  const w = wireSchema.safeParse(wire);
  if (!w.success) throw new BundleError('the job returned something that is not an Affect Studio result bundle');
  let json: string;
  try {
    json = (await promisify(gunzip)(Buffer.from(w.data.data, 'base64'), { maxOutputLength: opts.maxJsonBytes ?? MAX_BUNDLE_JSON_BYTES })).toString('utf8');
  } catch (e) {
    throw new BundleError(`the result bundle cannot be unpacked: ${e instanceof Error ? e.message : String(e)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new BundleError('the result bundle is not valid JSON');
  }
  const head = z.object({ format: z.string(), version: z.number() }).passthrough().safeParse(raw);
  if (head.success && head.data.format === RESULT_FORMAT && head.data.version !== RESULT_VERSION) {
    throw new BundleError(`the result bundle is version ${head.data.version}; this Affect Studio reads version ${RESULT_VERSION}`);
  }
  const parsed = resultBundleSchema.safeParse(raw);
  if (!parsed.success) throw new BundleError(`the result bundle is malformed: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const tables = Object.fromEntries(Object.entries(parsed.data.tables).map(([name, t]) => [name, { columns: t.columns, rows: t.rows.map((r) => r.map(fromWire)) }]));
  return { ...parsed.data, tables };
}
