// `npm run bench [name…]`: runs every benchmark in scripts/bench/*.ts (or the named ones) one after the
// other, so they do not compete for the CPU, and prints their figures. Benchmarks print; they never assert.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';

const wanted = process.argv.slice(2);
const all = readdirSync('scripts/bench').filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
const chosen = wanted.length ? all.filter((f) => wanted.some((w) => f.startsWith(w))) : all;
if (!chosen.length) {
  console.error(`No benchmark matches ${wanted.join(', ')}; have: ${all.join(', ')}`);
  process.exit(2);
}
console.log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
let failed = 0;
for (const f of chosen) {
  console.log(`\n=== ${f.replace(/\.ts$/, '')} ===`);
  const r = spawnSync('npx', ['tsx', `scripts/bench/${f}`], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
