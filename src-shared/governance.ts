/**
 * Data governance domain (issue 17): operator profiles, consent per participant, the audit trail's entries.
 * No Node, no DOM: shared by the core, the renderer and the CLI.
 */
import { z } from 'zod';

export const OPERATOR_ROLES = ['clinician', 'researcher', 'admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** A person's display name: free text of the staff member, never written into the audit trail (ids are). */
export const operatorNameSchema = z
  .string()
  .trim()
  .min(1, 'Name must not be empty')
  .max(80, 'Name must be at most 80 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'Name must not contain control characters');

export const operatorSchema = z.object({
  id: z.number().int().positive(),
  displayName: z.string(),
  role: z.enum(OPERATOR_ROLES),
  createdAt: z.string(),
});
export type Operator = z.infer<typeof operatorSchema>;

/** What a participant can agree to, each separately. */
export const CONSENT_SCOPES = ['video', 'audio', 'analysis', 'research'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/** Plain words for each scope, used in every message that names what is missing. */
export const CONSENT_SCOPE_WORDS: Readonly<Record<ConsentScope, string>> = {
  video: 'video recording',
  audio: 'audio recording',
  analysis: 'automated analysis',
  research: 'research use of exported data',
};

export const consentScopesSchema = z.object({
  video: z.boolean(),
  audio: z.boolean(),
  analysis: z.boolean(),
  research: z.boolean(),
});
export type ConsentScopes = z.infer<typeof consentScopesSchema>;

export const NO_SCOPES: ConsentScopes = { video: false, audio: false, analysis: false, research: false };

/** A calendar date, YYYY-MM-DD, that exists. */
export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'Not a calendar date');

export const CONSENT_STATUSES = ['not_recorded', 'given', 'withdrawn'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export const consentRecordSchema = z.object({
  id: z.number().int().positive(),
  participantId: z.number().int().positive(),
  version: z.number().int().positive(),
  kind: z.enum(['given', 'withdrawn']),
  scopes: consentScopesSchema,
  /** The operator who took the consent (or recorded the withdrawal). */
  takenBy: z.number().int().positive().nullable(),
  takenByName: z.string().nullable(),
  /** When the participant agreed (or withdrew), as a date. */
  takenOn: z.string(),
  /** The consent form's version or reference, e.g. "ICF v2.1". */
  formRef: z.string(),
  retainUntil: z.string().nullable(),
  recordedAt: z.string(),
});
export type ConsentRecord = z.infer<typeof consentRecordSchema>;

/** A participant's consent as it stands now: the latest record, or none. */
export const consentStateSchema = z.object({
  status: z.enum(CONSENT_STATUSES),
  scopes: consentScopesSchema,
  version: z.number().int().positive().nullable(),
  retainUntil: z.string().nullable(),
});
export type ConsentState = z.infer<typeof consentStateSchema>;

/** The scopes in `needed` that `state` does not cover. */
export function missingScopes(state: ConsentState, needed: readonly ConsentScope[]): ConsentScope[] {
  if (state.status !== 'given') return [...needed];
  return needed.filter((s) => !state.scopes[s]);
}

/** "Participant P01 has no consent for video recording and automated analysis (consent withdrawn)." */
export function consentRefusal(code: string, state: ConsentState, missing: readonly ConsentScope[], doing: string): string {
  const words = missing.map((s) => CONSENT_SCOPE_WORDS[s]);
  const list = words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
  const why =
    state.status === 'not_recorded'
      ? ' (consent not recorded: record it in Sessions → Participants first)'
      : state.status === 'withdrawn'
        ? ' (consent was withdrawn)'
        : '';
  return `Cannot ${doing}: participant ${code} has no consent for ${list}${why}.`;
}

/** Which media a capture keeps. Neither: only the live analysis results are stored (no media file at all). */
export const keepMediaSchema = z.object({ video: z.boolean(), audio: z.boolean() });
export type KeepMedia = z.infer<typeof keepMediaSchema>;

export const auditEntrySchema = z.object({
  id: z.number().int().positive(),
  at: z.string(),
  operatorId: z.number().int().nullable(),
  /** The operator's current display name, for the Audit view (the trail itself holds only the id). */
  operatorName: z.string().nullable(),
  action: z.string(),
  participantId: z.number().int().nullable(),
  /** The participant's code while the participant exists; null once deleted. */
  participantCode: z.string().nullable(),
  sessionId: z.number().int().nullable(),
  object: z.string().nullable(),
  objectId: z.number().int().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntryView = z.infer<typeof auditEntrySchema>;

export const auditVerifySchema = z.object({
  ok: z.boolean(),
  entries: z.number().int().nonnegative(),
  /** Hash of the last entry: note it elsewhere to detect a rewritten trail later. */
  headHash: z.string().nullable(),
  problem: z.object({ entryId: z.number().int(), message: z.string() }).nullable(),
});
export type AuditVerifyResult = z.infer<typeof auditVerifySchema>;

/** De-identified export options. */
export const deidentifySchema = z
  .object({
    /** Dates (run start) are dropped (default) or shifted by a random whole number of days per participant. */
    dates: z.enum(['drop', 'shift']).default('drop'),
    /** Absolute path of a CSV file that keeps the pseudonym → code mapping; nothing is kept without it. */
    keyFile: z.string().min(1).max(4096).optional(),
  })
  .strict();
export type Deidentify = z.infer<typeof deidentifySchema>;
