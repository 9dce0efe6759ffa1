import { z } from 'zod';
import { appInfoSchema, settingsSchema } from '../domain.js';
import { LANGUAGE_PREFERENCES } from '../i18n/i18n.js';
import { method } from './spec.js';

export const settingsMethods = {
  'app.info': method(z.object({}).strict(), appInfoSchema),
  'settings.get': method(z.object({}).strict(), settingsSchema),
  'settings.update': method(
    z
      .object({
        cameraId: z.string().max(512).nullable().optional(),
        microphoneId: z.string().max(512).nullable().optional(),
        keepImportOriginals: z.boolean().optional(),
        /** Absolute path; applied at the next start so an open session never changes folder under the user. */
        dataDir: z.string().min(1).max(4096).optional(),
        language: z.enum(LANGUAGE_PREFERENCES).optional(),
      })
      .strict(),
    settingsSchema,
  ),
} as const;
