import { z } from 'zod';
import { participantCodeSchema, participantSchema } from '../domain.js';
import { method } from './spec.js';

export const participantMethods = {
  'participants.list': method(z.object({}).strict(), z.array(participantSchema)),
  'participants.create': method(z.object({ code: participantCodeSchema }).strict(), participantSchema),
} as const;
