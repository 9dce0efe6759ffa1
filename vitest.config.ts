import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-shared/**/*.test.ts', 'src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // The app's per-machine config goes to a scratch folder; tests that load ONNX Runtime directly (model
    // scripts) keep its telemetry off too (see process-hardening.ts).
    env: { AFFECT_CONFIG_DIR: mkdtempSync(path.join(os.tmpdir(), 'affect-test-config-')), ORT_DISABLE_TELEMETRY: '1' },
    // Generous: a shared machine runs 2x slower at times, and every test's work is bounded by its input.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: run files in parallel but keep model-heavy tests from starving each other.
    maxWorkers: 2,
  },
});
