/**
 * Lab workers (issue 23): throughput of `affect worker` processes on a real redis-server on this machine, with 1,
 * 2 and 4 worker processes, against `affect analyze` of the same clips in one process. Prints clips per minute
 * and where a job's time goes besides the analysis (the queue's overhead per job), the figures docs/scale-out.md
 * projects N machines from.
 *
 *   npx tsx scripts/bench/queue.ts [--clips N] [--seconds S] [--workers 1,2,4] [--long S]
 *
 * Per job, from BullMQ's own timestamps and the bundles: `analysis` is analysis.start to complete inside the
 * worker; `on worker` is the job's active time (processedOn → finishedOn) minus that (clip into the scratch
 * folder, rows out, clean-up, bundle, Redis); `pick-up` is the gap between a worker finishing a job and starting
 * the next; `store` is the submitter's time to store one bundle (decode, rows, fusion). Medians over the jobs.
 * `--long S` (default 60; 0 skips) then sends one S-second 640×480 clip through one worker and breaks its job
 * down (clip into the scratch folder, analysis, rows out, clean-up, bundle and its size, store), the figures
 * that grow with a clip's length.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, Queue } from 'bullmq';
import { runCli } from '../../src-main/core/cli.js';
import { decodeBundle } from '../../src-main/core/queue/bundle.js';
import { faceSpeechClip } from '../../src-main/core/test-support/face-speech-clip.js';
import { tempDir } from '../../src-main/core/test-support/make-media.js';
import { redisServerMissing, startRedis } from '../../src-main/core/test-support/redis-server.js';
import { spawnTied, stopChild } from '../../src-main/core/test-support/tied-process.js';
import { shortClips } from '../../src-main/core/test-support/short-clips.js';

const argv = process.argv.slice(2);
const arg = (name: string, def: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : def);
const nClips = Number(arg('--clips', '8'));
const seconds = Number(arg('--seconds', '3'));
const workerCounts = arg('--workers', '1,2,4').split(',').map(Number);
const longSeconds = Number(arg('--long', '60'));
const root = path.resolve(import.meta.dirname, '../..');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const quiet = { out: () => undefined, err: () => undefined };
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function setupFolder(): Promise<string[]> {
  const dataDir = tempDir('affect-bench-queue-');
  await runCli(['operators', 'add', 'Bench', '--role', 'researcher', '--data-dir', dataDir, '--no-encryption'], quiet);
  await runCli(['participants', 'add', 'P-bench', '--consent', 'video,audio,analysis,research', '--data-dir', dataDir, '--operator', 'Bench'], quiet);
  return ['--data-dir', dataDir, '--operator', 'Bench'];
}

/** The worker's own account of a job's time (its log line "job …: analysed in …"). */
const workerLines: string[] = [];

function startWorker(name: string, redisUrl: string, passwordFile: string, queue: string): Promise<ChildProcess> {
  const child = spawnTied(process.execPath, ['--import', 'tsx', 'src-main/core/cli.ts', 'worker', '--redis', redisUrl, '--redis-password-file', passwordFile, '--provider', 'cpu', '--name', name, '--queue', queue], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => workerLines.push(...d.split('\n').filter((l) => l.includes('analysed in'))));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => d.includes('ready\t') && resolve(child));
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const missing = redisServerMissing();
  if (missing) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const clips = await shortClips(nClips, seconds);
  if ('skip' in clips) {
    console.log(`skipped: ${clips.skip}`);
    return;
  }
  console.log(`${nClips} clips of ${seconds} s (320×240, 30 fps, face and speech); load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`);

  // One machine, one process: the baseline.
  {
    const at = await setupFolder();
    const t0 = performance.now();
    const code = await runCli(['analyze', ...clips.files, '--participant', 'P-bench', '--provider', 'cpu', '--out', tempDir('affect-bench-out-'), ...at], quiet);
    const wall = performance.now() - t0;
    if (code !== 0) throw new Error(`affect analyze failed (${code})`);
    console.log(`affect analyze (1 process): ${((nClips / wall) * 60_000).toFixed(1)} clips/min (${sec(wall / nClips)} per clip, model loading included)`);
  }

  const redis = await startRedis();
  const passwordFile = path.join(tempDir(), 'pw');
  writeFileSync(passwordFile, redis.password, { mode: 0o600 });
  const connection = { host: redis.host, port: redis.port, password: redis.password };
  try {
    for (const w of workerCounts) {
      const queueName = `bench-${w}`;
      const workers = await Promise.all(Array.from({ length: w }, (_, i) => startWorker(`w${i + 1}`, redis.url, passwordFile, queueName)));
      const at = await setupFolder();
      const q = new Queue(queueName, { connection });
      try {
        const code = await runCli(['batch', 'submit', ...clips.files, '--participant', 'P-bench', '--redis', redis.url, '--redis-password-file', passwordFile, '--queue', queueName, '--no-wait', ...at], quiet);
        if (code !== 0) throw new Error(`batch submit failed (${code})`);
        for (;;) {
          const c = await q.getJobCounts('completed', 'failed');
          if (c.completed + c.failed >= nClips) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        const jobs = (await q.getJobs(['completed'])) as Job[];
        const analysis: number[] = [];
        for (const j of jobs) analysis.push((await decodeBundle(j.returnvalue)).run.analysisMs);
        const first = Math.min(...jobs.map((j) => j.timestamp));
        const last = Math.max(...jobs.map((j) => j.finishedOn!));
        const active = jobs.map((j) => j.finishedOn! - j.processedOn!);
        const onWorker = jobs.map((j, i) => j.finishedOn! - j.processedOn! - analysis[i]);
        const pickup: number[] = [];
        for (const name of new Set(jobs.map((j) => j.processedBy))) {
          const mine = jobs.filter((j) => j.processedBy === name).sort((a, b) => a.processedOn! - b.processedOn!);
          for (let i = 1; i < mine.length; i++) pickup.push(mine[i].processedOn! - mine[i - 1].finishedOn!);
        }
        const t0 = performance.now();
        await runCli(['batch', 'status', '--redis', redis.url, '--redis-password-file', passwordFile, '--queue', queueName, ...at], quiet);
        const store = (performance.now() - t0) / jobs.length;
        const wall = last - first;
        console.log(
          `${w} worker process${w > 1 ? 'es' : ''}: ${((jobs.length / wall) * 60_000).toFixed(1)} clips/min (${jobs.length} in ${sec(wall)}); per job (median): ` +
            `analysis ${sec(median(analysis))}, active ${sec(median(active))}, on worker besides analysis ${sec(median(onWorker))}, ` +
            `pick-up ${pickup.length ? sec(median(pickup)) : '-'}, store ${sec(store)}`,
        );
      } finally {
        await q.close();
        await Promise.all(workers.map((c) => stopChild(c)));
      }
    }
    if (longSeconds > 0) await longClip(redis.url, passwordFile, connection);
  } finally {
    await redis.stop();
  }
}

async function longClip(redisUrl: string, passwordFile: string, connection: { host: string; port: number; password: string }): Promise<void> {
  const clip = await faceSpeechClip(longSeconds);
  if ('skip' in clip) return;
  workerLines.length = 0;
  const queueName = 'bench-long';
  const [worker] = await Promise.all([startWorker('long', redisUrl, passwordFile, queueName)]);
  const at = await setupFolder();
  const q = new Queue(queueName, { connection });
  try {
    await runCli(['batch', 'submit', clip.file, '--participant', 'P-bench', '--redis', redisUrl, '--redis-password-file', passwordFile, '--queue', queueName, '--no-wait', ...at], quiet);
    for (;;) {
      const c = await q.getJobCounts('completed', 'failed');
      if (c.completed + c.failed >= 1) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const [job] = (await q.getJobs(['completed'])) as Job[];
    const t0 = performance.now();
    await runCli(['batch', 'status', '--redis', redisUrl, '--redis-password-file', passwordFile, '--queue', queueName, ...at], quiet);
    const store = performance.now() - t0;
    const line = workerLines.at(-1) ?? '';
    const m = /analysed in ([\d.]+) s; clip in ([\d.]+) s, rows out ([\d.]+) s, clean-up ([\d.]+) s, bundle ([\d.]+) s \((\d+) KiB\)/.exec(line);
    const active = job.finishedOn! - job.processedOn!;
    console.log(
      `one ${longSeconds} s clip (640×480, 30 fps), 1 worker: active ${sec(active)}` +
        (m ? `: analysis ${m[1]} s (${(longSeconds / Number(m[1])).toFixed(1)}× real time), clip in ${m[2]} s, rows out ${m[3]} s, clean-up ${m[4]} s, bundle ${m[5]} s (${m[6]} KiB)` : '') +
        `; store ${sec(store)} on the submitter`,
    );
  } finally {
    await q.close();
    await stopChild(worker);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
