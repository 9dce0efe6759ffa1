import { z } from 'zod';
import { idSchema, participantCodeSchema, participantSchema } from '../domain.js';
import {
  auditEntrySchema,
  auditVerifySchema,
  consentRecordSchema,
  consentScopesSchema,
  dateSchema,
  OPERATOR_ROLES,
  operatorNameSchema,
  operatorSchema,
} from '../governance.js';
import { method } from './spec.js';

const isoInstant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'Use an ISO 8601 date and time');

/** Consent as taken: what was agreed, when, on which form, and until when data may be kept. */
export const consentInputSchema = z
  .object({
    scopes: consentScopesSchema,
    takenOn: dateSchema,
    formRef: z.string().trim().max(200, 'Form reference must be at most 200 characters').default(''),
    retainUntil: dateSchema.nullable().default(null),
  })
  .strict();
export type ConsentInput = z.infer<typeof consentInputSchema>;

export const deletionPreviewSchema = z.object({
  sessionIds: z.array(idSchema),
  sessions: z.number().int(),
  mediaFiles: z.number().int(),
  mediaBytes: z.number().int(),
  analysisRuns: z.number().int(),
  labelSegments: z.number().int(),
  consentRecords: z.number().int(),
  exportFolders: z.number().int(),
});
export type DeletionPreview = z.infer<typeof deletionPreviewSchema>;

export const retentionRowSchema = z.object({
  sessionId: idSchema,
  participantId: idSchema,
  participantCode: z.string(),
  retainUntil: z.string(),
  startedAt: z.string().nullable(),
  createdAt: z.string(),
});

export const auditFilterSchema = z
  .object({
    operatorId: idSchema.optional(),
    participantId: idSchema.optional(),
    sessionId: idSchema.optional(),
    action: z.string().max(60).optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    /** Paging: entries older than this id. */
    beforeId: idSchema.optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type AuditFilterInput = z.input<typeof auditFilterSchema>;

export const operatorMethods = {
  'operators.list': method(z.object({}).strict(), z.array(operatorSchema)),
  /** Creates a profile. The first profile may be created before any is chosen (it is then the actor). */
  'operators.create': method(z.object({ displayName: operatorNameSchema, role: z.enum(OPERATOR_ROLES) }).strict(), operatorSchema),
  'operators.update': method(
    z.object({ id: idSchema, displayName: operatorNameSchema.optional(), role: z.enum(OPERATOR_ROLES).optional() }).strict(),
    operatorSchema,
  ),
  /** Chooses who is using this window; remembered on this machine for the next start. */
  'operators.select': method(z.object({ id: idSchema }).strict(), operatorSchema),
  /** The profile this window chose (null before choosing) and the one last chosen on this machine. */
  'operators.current': method(z.object({}).strict(), z.object({ current: operatorSchema.nullable(), remembered: operatorSchema.nullable() })),
} as const;

export const consentMethods = {
  /** Every consent record of a participant, oldest first. */
  'consent.history': method(z.object({ participantId: idSchema }).strict(), z.array(consentRecordSchema)),
  /** Records consent as taken now by the current operator: a new version, earlier ones are kept. */
  'consent.record': method(z.object({ participantId: idSchema, consent: consentInputSchema }).strict(), participantSchema),
  /** Records a withdrawal (dated); nothing new may be recorded, analysed or exported afterwards. */
  'consent.withdraw': method(z.object({ participantId: idSchema, takenOn: dateSchema }).strict(), participantSchema),
} as const;

export const deletionMethods = {
  /** What deleting these sessions removes, for the confirmation. */
  'sessions.deletePreview': method(z.object({ sessionIds: z.array(idSchema).min(1).max(10_000) }).strict(), deletionPreviewSchema),
  'sessions.delete': method(z.object({ sessionIds: z.array(idSchema).min(1).max(10_000) }).strict(), deletionPreviewSchema),
  'participants.deletePreview': method(z.object({ participantId: idSchema }).strict(), deletionPreviewSchema.extend({ participantCode: z.string() })),
  /** Deletes the participant and everything of theirs; `confirmCode` must repeat the participant's code. */
  'participants.delete': method(z.object({ participantId: idSchema, confirmCode: participantCodeSchema }).strict(), deletionPreviewSchema),
  /** Sessions whose participant's retention date has passed. */
  'retention.due': method(z.object({}).strict(), z.array(retentionRowSchema)),
  /** Deletes the given sessions, each of which must still be past its retention date. */
  'retention.purge': method(z.object({ sessionIds: z.array(idSchema).min(1).max(10_000) }).strict(), deletionPreviewSchema),
} as const;

export const auditMethods = {
  'audit.list': method(auditFilterSchema, z.object({ entries: z.array(auditEntrySchema), more: z.boolean() })),
  'audit.actions': method(z.object({}).strict(), z.array(z.string())),
  'audit.verify': method(z.object({}).strict(), auditVerifySchema),
  /** Writes audit_log.csv into `outDir` (absolute) or a new folder under the data folder's exports/. */
  'audit.export': method(z.object({ outDir: z.string().min(1).max(4096).optional() }).strict(), z.object({ file: z.string(), entries: z.number().int() })),
} as const;
