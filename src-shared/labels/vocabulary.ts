import { z } from 'zod';
import { EMOTIONS } from '../emotions.js';

/** Label a rater uses when the segment shows something but no vocabulary term fits with confidence. */
export const UNCLEAR_LABEL = 'unclear';

/** A new project starts with the seven canonical emotions plus "unclear" (issue 6). */
export const DEFAULT_VOCABULARY: readonly string[] = [...EMOTIONS, UNCLEAR_LABEL];

/** Number keys 1–9 then 0 choose the first ten terms; more would need a second key layer nobody remembers. */
export const MAX_VOCABULARY = 20;
export const NUMBER_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'] as const;

/** One controlled-vocabulary term: short, single line, safe in a CSV cell and on a timeline block. */
export const labelValueSchema = z
  .string()
  .trim()
  .min(1, 'A label must not be empty')
  .max(40, 'A label must be at most 40 characters')
  .regex(/^[^\r\n\t]+$/, 'A label must be a single line');

export const vocabularySchema = z
  .array(labelValueSchema)
  .min(1, 'The vocabulary needs at least one label')
  .max(MAX_VOCABULARY, `The vocabulary can hold at most ${MAX_VOCABULARY} labels`)
  .superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((v, i) => {
      const k = v.toLowerCase();
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i], message: `"${v}" is listed twice` });
      seen.add(k);
    });
  });

/** The key that chooses vocabulary item `index`, or null past the tenth. */
export function keyForIndex(index: number): string | null {
  return NUMBER_KEYS[index] ?? null;
}

/** The vocabulary index a number key chooses, or null for any other key. */
export function indexForKey(key: string): number | null {
  const i = (NUMBER_KEYS as readonly string[]).indexOf(key);
  return i >= 0 ? i : null;
}
