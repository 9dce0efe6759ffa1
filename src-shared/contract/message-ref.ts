import { z } from 'zod';

/** A message as a catalogue entry and its values (src-shared/i18n/notes.ts), for each client to word. */
export const messageRefSchema = z.object({
  key: z.string().min(1).max(200),
  vars: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
