import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

function readVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    // Walks from src-main/core (dev) or out/main (built) to the package.json beside them.
    for (const rel of ['../../package.json', '../../../package.json']) {
      try {
        const file = require.resolve(rel);
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'affect-studio' && pkg.version) return pkg.version;
      } catch {
        /* try the next location */
      }
    }
  } catch {
    /* fall through */
  }
  return '0.0.0-unknown';
}

/** The application version recorded with every analysis run and export. */
export const APP_VERSION = readVersion();
