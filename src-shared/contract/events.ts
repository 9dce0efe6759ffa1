import { z } from 'zod';
import { idSchema, sessionSchema } from '../domain.js';
import { analysisEvents } from './analysis.js';
import { voiceEvents } from './voice.js';
import { vaultEvents } from './vault.js';
import { mediaEvents } from './media.js';
import { batchEvents } from './batch.js';

/** Events main pushes to every connected renderer. */
export const events = {
  'session.changed': sessionSchema,
  'recording.progress': z.object({ sessionId: idSchema, bytesWritten: z.number(), chunks: z.number() }),
  notice: z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
  /** Sessions (and, when participantId is set, that participant) were deleted for good. */
  'sessions.deleted': z.object({ sessionIds: z.array(idSchema), participantId: idSchema.nullable() }),
  ...analysisEvents,
  ...voiceEvents,
  ...vaultEvents,
  ...mediaEvents,
  ...batchEvents,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
