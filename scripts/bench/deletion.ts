/**
 * Deleting a participant for good on this machine: two participants with one hour of stored analysis each
 * (30 fps face observations, 2 Hz voice windows, the 10 Hz fused timeline: ~160k rows per session); one is
 * deleted through the app's request (secure_delete overwrites the rows, incremental vacuum returns the pages,
 * the WAL is truncated). Prints the time the request took and the database size before and after; asserts nothing.
 *
 *   npx tsx scripts/bench/deletion.ts [--minutes M] [--runs N]
 */
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore } from '../../src-main/core/app-core.js';
import { directClient } from '../../src-main/core/rpc/direct-client.js';
import { operatorCtx } from '../../src-main/core/test-support/governance.js';
import { tempDir } from '../../src-main/core/test-support/make-media.js';
import { seedReviewSession } from '../../src-main/core/test-support/seed-review.js';

const argv = process.argv.slice(2);
const minutes = argv.includes('--minutes') ? Number(argv[argv.indexOf('--minutes') + 1]) : 60;
const runs = argv.includes('--runs') ? Number(argv[argv.indexOf('--runs') + 1]) : 3;

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const size = (dir: string) => ['affect-studio.sqlite', 'affect-studio.sqlite-wal'].reduce((n, f) => n + (() => {
  try {
    return statSync(path.join(dir, f)).size;
  } catch {
    return 0;
  }
})(), 0);

const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const dataDir = tempDir('affect-bench-delete-');
  const core = await createCore({ dataDir });
  const { services } = core;
  const gone = await seedReviewSession(services.db, dataDir, { participantCode: 'P-GONE', durationMs: minutes * 60_000, video: false });
  await seedReviewSession(services.db, dataDir, { participantCode: 'P-KEEP', durationMs: minutes * 60_000, video: false });
  services.db.pragma('wal_checkpoint(TRUNCATE)');
  const before = size(dataDir);
  const api = directClient(core, operatorCtx(core));
  const participantId = services.sessions.get(gone.sessionId).participantId;
  const t0 = performance.now();
  await api.call('participants.delete', { participantId, confirmCode: 'P-GONE' });
  const ms = performance.now() - t0;
  times.push(ms);
  console.log(`run ${i + 1}: deleted ${minutes} min of analysis in ${ms.toFixed(0)} ms; database ${mib(before)} MiB → ${mib(size(dataDir))} MiB`);
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
}
times.sort((a, b) => a - b);
console.log(`median ${times[Math.floor(times.length / 2)].toFixed(0)} ms over ${runs} runs (delete + secure overwrite + incremental vacuum + WAL truncate)`);
