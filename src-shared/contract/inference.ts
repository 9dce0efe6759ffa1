import { z } from 'zod';
import { method } from './spec.js';

/** What Settings shows about model inference: installed models and, per loaded model, the provider used. */
export const inferenceStatusSchema = z.object({
  preference: z.string(),
  models: z.array(z.object({ id: z.string(), task: z.string(), default: z.boolean(), licence: z.string() })),
  loaded: z.array(z.object({ id: z.string(), provider: z.string(), fallbackReason: z.string().nullable(), inputNames: z.array(z.string()), outputNames: z.array(z.string()) })),
});
export type InferenceStatus = z.infer<typeof inferenceStatusSchema>;

export const inferenceMethods = {
  'inference.status': method(z.object({}).strict(), inferenceStatusSchema),
} as const;
