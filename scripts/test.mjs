// `npm test`: unit tests (vitest) then end-to-end tests (Playwright in Chromium, browser mode), with one
// closing line that counts both.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { ensureNodeAbi } from './native-abi.mjs';

ensureNodeAbi();
mkdirSync('out/test-results', { recursive: true });
const run = (cmd, argv, env = {}) => spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, ...env }, shell: process.platform === 'win32' }).status ?? 1;

const buildStatus = run(process.execPath, ['scripts/build.mjs']);
if (buildStatus !== 0) process.exit(buildStatus);

const unit = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=out/test-results/vitest.json']);
const e2e = run('npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: 'out/test-results/playwright.json' });

function counts() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (existsSync('out/test-results/vitest.json')) {
    const v = JSON.parse(readFileSync('out/test-results/vitest.json', 'utf8'));
    passed += v.numPassedTests ?? 0;
    failed += v.numFailedTests ?? 0;
    skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  }
  if (existsSync('out/test-results/playwright.json')) {
    const p = JSON.parse(readFileSync('out/test-results/playwright.json', 'utf8'));
    passed += p.stats?.expected ?? 0;
    failed += (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0);
    skipped += p.stats?.skipped ?? 0;
  }
  return { passed, failed, skipped };
}
const c = counts();
console.log(`\nTests: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
process.exit(unit !== 0 || e2e !== 0 ? 1 : 0);
