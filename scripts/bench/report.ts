/**
 * Producing the PDF report of a one-hour session (issue target: ≤ 3 s): a session with an hour of stored
 * observations (30 fps faces, voice windows every 0.5 s, the 10 Hz fused timeline, episodes) written through
 * the app's repositories; then, `--runs` times with a freshly opened core (nothing cached), the report data
 * gathered and the PDF written, in English and in Chinese. Prints medians of wall time and of this process's
 * CPU time (on a shared machine wall time also counts other processes' work); then `affect report` end to end
 * as a new process when the CLI is built. Asserts nothing.
 *
 *   npx tsx scripts/bench/report.ts [--minutes M] [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCore } from '../../src-main/core/app-core.js';
import { buildReportData } from '../../src-main/core/report/report-data.js';
import { reportDeps } from '../../src-main/core/report/report-file.js';
import { reportPdf } from '../../src-main/core/report/report-pdf.js';
import { openDatabase } from '../../src-main/core/store/database.js';
import { tempDir } from '../../src-main/core/test-support/make-media.js';
import { seedReviewSession } from '../../src-main/core/test-support/seed-review.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const minutes = arg('--minutes', 60);
const runs = arg('--runs', 5);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const dataDir = tempDir('affect-bench-report-');
const db = openDatabase(path.join(dataDir, 'affect-studio.sqlite'));
const t0 = performance.now();
const seeded = await seedReviewSession(db, dataDir, { durationMs: minutes * 60_000, video: false, participantCode: 'P-BENCH' });
db.close();
console.log(`seeded ${minutes} min: ${((performance.now() - t0) / 1000).toFixed(1)} s (session ${seeded.sessionId})`);

for (const locale of ['en', 'zh-CN'] as const) {
  const wall: { data: number[]; pdf: number[]; total: number[] } = { data: [], pdf: [], total: [] };
  const cpu: number[] = [];
  let bytes = 0;
  let pages = 0;
  for (let i = 0; i < runs; i++) {
    const core = await createCore({ dataDir, noLock: true });
    try {
      const c0 = cpuMs();
      const a = performance.now();
      const data = buildReportData(reportDeps(core.services), seeded.sessionId);
      const b = performance.now();
      const pdf = await reportPdf(data, locale);
      const c = performance.now();
      writeFileSync(path.join(dataDir, `report-${locale}.pdf`), pdf.bytes);
      cpu.push(cpuMs() - c0);
      wall.data.push(b - a);
      wall.pdf.push(c - b);
      wall.total.push(c - a);
      bytes = pdf.bytes.length;
      pages = pdf.pages;
    } finally {
      await core.close();
    }
  }
  console.log(
    `report ${locale}, ${minutes} min session: median ${(median(wall.total) / 1000).toFixed(2)} s wall (data ${(median(wall.data) / 1000).toFixed(2)} s + PDF ${(median(wall.pdf) / 1000).toFixed(2)} s), ` +
      `${(median(cpu) / 1000).toFixed(2)} s CPU; ${runs} runs; ${pages} pages, ${(bytes / 1024).toFixed(0)} KiB`,
  );
}

const cli = path.resolve('out/main/cli.js');
if (existsSync(cli)) {
  const wall: number[] = [];
  // Every command acts as an operator profile.
  spawnSync(process.execPath, [cli, 'operators', 'add', 'Bench', '--role', 'clinician', '--data-dir', dataDir], { encoding: 'utf8' });
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const a = performance.now();
    const r = spawnSync(process.execPath, [cli, 'report', String(seeded.sessionId), '--out', path.join(dataDir, 'cli'), '--lang', 'zh-CN', '--data-dir', dataDir, '--operator', 'Bench'], { encoding: 'utf8' });
    wall.push(performance.now() - a);
    if (r.status !== 0) {
      console.log(`affect report failed: ${r.stderr}`);
      break;
    }
  }
  console.log(`affect report (new process, zh-CN): median ${(median(wall) / 1000).toFixed(2)} s wall over ${wall.length} runs`);
} else {
  console.log('affect report end to end: skipped (run `npm run build` first)');
}
