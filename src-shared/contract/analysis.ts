import { z } from 'zod';
import {
  analysisParamsSchema,
  analysisProgressSchema,
  analysisRunSchema,
  episodeSchema,
  runSummarySchema,
} from '../analysis.js';
import { idSchema, mediaFileSchema } from '../domain.js';
import { deidentifySchema } from '../governance.js';
import { messageRefSchema } from './message-ref.js';
import { enText } from '../i18n/errors.js';
import { method } from './spec.js';

const runId = z.object({ runId: idSchema }).strict();

export const analysisMethods = {
  /**
   * Starts an offline analysis of a session's media file (default: its newest) as a new run; returns at once.
   * Progress arrives as `analysis.progress` events. Settings not given take their defaults (docs/csv.md).
   */
  'analysis.start': method(
    z.object({ sessionId: idSchema, mediaFileId: idSchema.optional(), params: analysisParamsSchema.optional() }).strict(),
    analysisRunSchema,
  ),
  /** Stops a running or queued run; it becomes incomplete and keeps what it analysed. */
  'analysis.cancel': method(runId, analysisRunSchema),
  /** Continues an incomplete offline run from where it stopped. */
  'analysis.resume': method(runId, analysisRunSchema),
  'analysis.runs': method(z.object({ sessionId: idSchema }).strict(), z.array(analysisRunSchema)),
  'analysis.get': method(runId, analysisRunSchema),
  /** Deletes a run with its observations, fused rows and episodes. A running run must be cancelled first. */
  'analysis.delete': method(runId, z.object({ deleted: z.literal(true) })),
  /** (Re)computes a run's fused timeline and episodes from its stored observations (e.g. a live run after recording). */
  'analysis.fuse': method(runId, analysisRunSchema),
  'analysis.episodes': method(runId, z.array(episodeSchema)),
  'analysis.summary': method(runId, runSummarySchema),
} as const;

/** Clip file names as the user picked them; the core makes its own safe name for the session folder. */
const clipName = z.string().trim().min(1, 'File name must not be empty').max(255, 'File name is too long').regex(/^[^/\\\0]+$/, 'File name must not contain a path');
/** Matches the recording sink's limit for one message. */
export const MAX_IMPORT_CHUNK_BYTES = 16 * 1024 * 1024;

export const importOutcomeSchema = z.discriminatedUnion('ok', [
  z.object({
    fileName: z.string(),
    ok: z.literal(true),
    /** The clip as listed in the session (its playable copy instead when the original is not kept). */
    media: mediaFileSchema,
    warning: z.string().optional(),
    /** The warnings as catalogue entries (the interface words them; `warning` is their English). */
    warningNotes: z.array(messageRefSchema).optional(),
    /** The playable copy made at import of a clip the app cannot play as it is, and why it was needed. */
    playableCopy: z.object({ media: mediaFileSchema, reason: z.string(), reasonNote: messageRefSchema.optional() }).optional(),
  }),
  z.object({ fileName: z.string(), ok: z.literal(false), message: z.string(), note: messageRefSchema.optional() }),
]);
export type ImportOutcomeView = z.infer<typeof importOutcomeSchema>;

/**
 * Importing clips from the renderer: begin (name and size), the bytes in numbered chunks, finish. The same
 * in Electron and in browser mode, where a page cannot hand over a file path. Each file is its own upload, so
 * one bad file never affects another.
 */
export const mediaImportMethods = {
  'media.importBegin': method(
    z.object({ sessionId: idSchema, fileName: clipName, size: z.number().int().positive() }).strict(),
    z.object({ uploadId: z.string() }),
  ),
  'media.importChunk': method(
    z
      .object({
        uploadId: z.string().uuid(),
        seq: z.number().int().nonnegative(),
        data: z.instanceof(Uint8Array).refine((d) => d.byteLength <= MAX_IMPORT_CHUNK_BYTES, 'Chunk is larger than 16 MiB'),
      })
      .strict(),
    z.object({ received: z.number().int().nonnegative() }),
  ),
  /** Checks the uploaded file (ffprobe) and adds it to the session, or deletes it and says why. */
  'media.importFinish': method(z.object({ uploadId: z.string().uuid() }).strict(), importOutcomeSchema),
  'media.importAbort': method(z.object({ uploadId: z.string().uuid() }).strict(), z.object({ aborted: z.literal(true) })),
} as const;

export const exportMethods = {
  /**
   * Writes `<session>_timeline.csv` and `<session>_summary.csv` per session (newest complete run, or `runId`
   * for a single session) and, for more than one session, `sessions_summary.csv`. Into `outDir` (an absolute
   * folder path) or a new folder under the data folder's exports/.
   */
  'export.sessions': method(
    z
      .object({
        sessionIds: z.array(idSchema).min(1).max(10_000),
        runId: idSchema.optional(),
        outDir: z.string().min(1).max(4096).optional(),
        /** UTF-8 byte-order mark for Excel. */
        bom: z.boolean().default(false),
        /** De-identified export (docs/csv.md): pseudonyms, no notes, names or file names, dates dropped or shifted. */
        deidentify: deidentifySchema.optional(),
        /** Also write sessions_summary.csv for a single session (always written for several). */
        combinedSummary: z.boolean().default(false),
        /** Add the face mesh's 468 × 3 landmark columns to the timelines (runs that kept them; docs/csv.md). */
        landmarks: z.boolean().default(false),
        /** Replace files of the same name in outDir; by default new files get a free `-N` name. */
        overwrite: z.boolean().default(false),
      })
      .strict()
      .refine((x) => x.runId === undefined || x.sessionIds.length === 1, 'runId can only be given for a single session')
      .refine((x) => x.runId === undefined || !x.combinedSummary, 'runId exports one run; sessions_summary.csv is for newest complete runs')
      // The mesh's points describe the shape of a face: biometric, so never in an export meant for sharing.
      .refine((x) => !(x.landmarks && x.deidentify), enText('errors.landmarksNotDeidentified')),
    z.object({
      folder: z.string(),
      files: z.array(z.string()),
      skipped: z.array(z.object({ sessionId: idSchema, message: z.string() })),
      /** What each exported session's files are and which run they come from. */
      sessions: z.array(z.object({ sessionId: idSchema, runId: idSchema, timeline: z.string(), summary: z.string(), labels: z.string().nullable() })),
      /** sessions_summary.csv, written for several sessions or when asked for. */
      combinedSummary: z.string().nullable(),
      /** The de-identification key file, when one was asked for. */
      keyFile: z.string().nullable(),
    }),
  ),
} as const;

export const analysisEvents = {
  'analysis.progress': analysisProgressSchema,
  /** A run was deleted with its results. */
  'analysis.deleted': z.object({ sessionId: idSchema, runId: idSchema }),
} as const;
