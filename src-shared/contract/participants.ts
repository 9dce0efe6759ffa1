import { z } from 'zod';
import { participantCodeSchema, participantSchema } from '../domain.js';
import { consentInputSchema } from './governance.js';
import { method } from './spec.js';

export const participantMethods = {
  'participants.list': method(z.object({}).strict(), z.array(participantSchema)),
  /** A new participant, with the consent taken (by the current operator) when given; else "consent not recorded". */
  'participants.create': method(z.object({ code: participantCodeSchema, consent: consentInputSchema.optional() }).strict(), participantSchema),
} as const;
