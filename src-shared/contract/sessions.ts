import { z } from 'zod';
import { idSchema, sessionSchema } from '../domain.js';
import { method } from './spec.js';
import { enText } from '../i18n/errors.js';

const text = (label: string, max: number) => z.string().trim().max(max, enText('errors.tooLong', { field: label, max }));

export const sessionMethods = {
  'sessions.list': method(z.object({ participantId: idSchema.optional() }).strict(), z.array(sessionSchema)),
  'sessions.get': method(z.object({ id: idSchema }).strict(), sessionSchema),
  /** sessions.get for showing the session to the operator (Review): audited as a view. */
  'sessions.open': method(z.object({ id: idSchema }).strict(), sessionSchema),
  'sessions.create': method(
    z
      .object({
        participantId: idSchema,
        protocol: text('Protocol', 200).min(1, enText('errors.protocolEmpty')),
        note: text('Note', 10_000).default(''),
      })
      .strict(),
    sessionSchema,
  ),
  'sessions.updateNote': method(z.object({ id: idSchema, note: text('Note', 10_000) }).strict(), sessionSchema),
} as const;
