import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Research data beside the checkout (../shared/data, see its README): read at run time only, never copied into
 * the repository. AFFECT_SHARED_DATA overrides the location.
 */
export function sharedDataPath(...parts: string[]): string {
  const root = process.env.AFFECT_SHARED_DATA ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'data');
  return path.join(root, ...parts);
}

/** The file when present, else null; tests use it with `it.skipIf` and say in their name what they need. */
export function sharedDataFile(...parts: string[]): string | null {
  const p = sharedDataPath(...parts);
  return existsSync(p) ? p : null;
}
