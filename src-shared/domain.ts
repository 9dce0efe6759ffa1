import { z } from 'zod';
import { LANGUAGE_PREFERENCES } from './i18n/i18n.js';
import { enText } from './i18n/errors.js';
import { consentStateSchema, keepMediaSchema } from './governance.js';
import { recordingStatsSchema } from './recording-stats.js';

/**
 * Pseudonymous participant code. Letters, digits and . _ - only, so that a real name with a space
 * cannot slip in by habit and the code is safe in file names and CSV cells.
 */
export const participantCodeSchema = z
  .string()
  .trim()
  .min(1, enText('errors.participantCode.empty'))
  .max(40, enText('errors.participantCode.tooLong'))
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, enText('errors.participantCode.format'));

export const idSchema = z.number().int().positive();

export const participantSchema = z.object({
  id: idSchema,
  code: z.string(),
  createdAt: z.string(),
  sessionCount: z.number().int().nonnegative(),
  /** What the participant's latest consent record covers; "not_recorded" for participants from before consent. */
  consent: consentStateSchema,
});
export type Participant = z.infer<typeof participantSchema>;

export const SESSION_STATUSES = ['created', 'recording', 'completed', 'recovered', 'failed'] as const;
export const sessionStatusSchema = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

export const MEDIA_KINDS = ['recording', 'import'] as const;
export const mediaFileSchema = z.object({
  id: idSchema,
  sessionId: idSchema,
  kind: z.enum(MEDIA_KINDS),
  fileName: z.string(),
  mimeType: z.string(),
  bytes: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative().nullable(),
  hasVideo: z.boolean(),
  hasAudio: z.boolean(),
  createdAt: z.string(),
  /** Whether the app can play the file: false for a clip that needs a playable copy; null when never checked. */
  playable: z.boolean().nullable(),
  /** For a playable copy: the media file it was made from (null once that original is not kept). */
  derivedFrom: idSchema.nullable(),
  /** SHA-256 of the file's content (imports and playable copies). */
  sha256: z.string().nullable(),
  /** For a playable copy: SHA-256 of the original it was made from, kept even when the original is not. */
  sourceSha256: z.string().nullable(),
});
export type MediaFile = z.infer<typeof mediaFileSchema>;

export const sessionSchema = z.object({
  id: idSchema,
  participantId: idSchema,
  participantCode: z.string(),
  protocol: z.string(),
  /** The operator profile that created the session (null for sessions from before profiles without a name). */
  operatorId: idSchema.nullable(),
  /** That operator's display name, or '' when unknown. */
  operator: z.string(),
  note: z.string(),
  status: sessionStatusSchema,
  /** Why a session is recovered or failed, in words for the user. */
  statusDetail: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nonnegative().nullable(),
  media: z.array(mediaFileSchema),
  /** What the capture kept: null until recording starts (and for imported or older sessions). */
  keep: keepMediaSchema.nullable(),
  /** What the camera delivered while recording (recording-stats.ts); null for imports and older sessions. */
  recordingStats: recordingStatsSchema.nullable(),
});
export type Session = z.infer<typeof sessionSchema>;

export const settingsSchema = z.object({
  dataDir: z.string(),
  /** A data folder chosen in Settings that takes effect at the next start. */
  pendingDataDir: z.string().nullable(),
  cameraId: z.string().nullable(),
  microphoneId: z.string().nullable(),
  /** Keep an imported clip beside the playable copy made of it (its SHA-256 is recorded either way). */
  keepImportOriginals: z.boolean(),
  /** Interface (and report) language: the system's, or a chosen catalogue. */
  language: z.enum(LANGUAGE_PREFERENCES),
});
export type Settings = z.infer<typeof settingsSchema>;

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  dataDir: z.string(),
  ffmpeg: z.string().nullable(),
  schemaVersion: z.number().int(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;
