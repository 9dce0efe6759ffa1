import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in browser mode: the real core and loopback server (started per test on a fresh data
 * folder) and the built renderer, driven in the system's Chromium with a fake camera and microphone fed from
 * media the tests generate. Nothing is downloaded: Playwright's own browsers are not used.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: 'list',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  globalSetup: './e2e/fixtures/global-setup.ts',
  outputDir: 'out/e2e-results',
  // Screenshot baselines are kept in the repository, one per platform (fonts differ between systems).
  snapshotPathTemplate: '{testDir}/__screenshots__/{testFilePath}/{arg}-{platform}{ext}',
});
