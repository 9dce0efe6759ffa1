import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-shared/**/*.test.ts', 'src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: run files in parallel but keep model-heavy tests from starving each other.
    maxWorkers: 2,
    // Tests that load ONNX Runtime directly (model scripts) keep its telemetry off too (see process-hardening.ts).
    env: { ORT_DISABLE_TELEMETRY: '1' },
  },
});
