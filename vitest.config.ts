import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-shared/**/*.test.ts', 'src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // The app's per-machine config (remembered operator, data folder) goes to a scratch folder, never the user's.
    env: { AFFECT_CONFIG_DIR: mkdtempSync(path.join(os.tmpdir(), 'affect-test-config-')) },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: run files in parallel but keep model-heavy tests from starving each other.
    maxWorkers: 2,
  },
});
