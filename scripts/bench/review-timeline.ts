/**
 * Review timeline over one hour of stored observations (30 fps faces, 2 Hz voice windows, 10 Hz fused): how
 * long the core takes to answer review.timeline for the whole hour and for zoomed views (first request reads
 * the run from SQLite; later ones come from the column cache), and how big each answer is on the wire.
 * Prints figures; asserts nothing.
 *
 *   npx tsx scripts/bench/review-timeline.ts [--minutes M] [--width PX]
 */
import { performance } from 'node:perf_hooks';
import { createCore } from '../../src-main/core/app-core.js';
import { tempDir } from '../../src-main/core/test-support/make-media.js';
import { seedReviewSession } from '../../src-main/core/test-support/seed-review.js';

const argv = process.argv.slice(2);
const minutes = argv.includes('--minutes') ? Number(argv[argv.indexOf('--minutes') + 1]) : 60;
const width = argv.includes('--width') ? Number(argv[argv.indexOf('--width') + 1]) : 1200;
const durationMs = minutes * 60_000;

const dataDir = tempDir('affect-bench-review-');
const core = await createCore({ dataDir });
let t0 = performance.now();
const s = await seedReviewSession(core.services.db, dataDir, { durationMs, video: false });
console.log(`seeded ${minutes} min (faces ${Math.ceil((durationMs * 30) / 1000)}, fused ${durationMs / 100}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

async function query(label: string, fromMs: number, toMs: number): Promise<void> {
  t0 = performance.now();
  const r = await core.handle('review.timeline', { sessionId: s.sessionId, fromMs, toMs, buckets: width }, { clientId: 'bench' });
  const ms = performance.now() - t0;
  if (!r.ok) throw new Error(r.error.message);
  const v = r.value as { fused: { points: number; bucketMs: number | null } | null };
  const bytes = Buffer.byteLength(JSON.stringify(r.value));
  console.log(
    `${label.padEnd(28)} ${ms.toFixed(1).padStart(7)} ms  ${(bytes / 1024).toFixed(0).padStart(5)} KiB  fused points ${v.fused?.points}  ${v.fused?.bucketMs ? `buckets of ${v.fused.bucketMs.toFixed(0)} ms` : 'raw'}`,
  );
}

await query('whole hour (cold)', 0, durationMs);
await query('whole hour (cached)', 0, durationMs);
await query('10 min window', 20 * 60_000, 30 * 60_000);
await query('1 min window', 25 * 60_000, 26 * 60_000);
await query('10 s window (full res)', 25 * 60_000, 25 * 60_000 + 10_000);
for (let i = 0; i < 5; i++) await query(`pan step ${i + 1} (10 min)`, i * 60_000, i * 60_000 + 600_000);
t0 = performance.now();
const o = await core.handle('review.overlay', { sessionId: s.sessionId, runId: s.runId, fromMs: 600_000, toMs: 610_000 }, { clientId: 'bench' });
console.log(`overlay chunk (10 s)          ${(performance.now() - t0).toFixed(1).padStart(7)} ms  ${(Buffer.byteLength(JSON.stringify(o)) / 1024).toFixed(0)} KiB`);
await core.close();
