/**
 * Issue 23's acceptance test: a real redis-server, two `affect worker` processes, eight clips submitted with
 * `affect batch submit`, one worker killed with SIGKILL in the middle of a job. The job it held comes back to the
 * queue when its lock runs out (BullMQ's stalled-job check) and the other worker does it; at the end there are
 * eight sessions, each analysed exactly once, with results equal to `affect analyze` of the same clips on one
 * machine.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { tempDir } from '../test-support/make-media.js';
import { redisServerMissing, startRedis, type TestRedis } from '../test-support/redis-server.js';
import { runSnapshot, snapshotDiff, snapshotSizes } from '../test-support/run-snapshot.js';
import { shortClips } from '../test-support/short-clips.js';
import { spawnTied, stopChild } from '../test-support/tied-process.js';

const root = path.resolve(import.meta.dirname, '../../..');
const missing = redisServerMissing();
let redis: TestRedis | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!missing) redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await Promise.all(children.map((c) => stopChild(c, 10_000)));
  await redis?.stop();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

interface WorkerProc {
  child: ChildProcess;
  log: string[];
  /** Resolves with the job id of each job the worker starts. */
  onStart(f: (jobId: string) => void): void;
  exited: Promise<void>;
}

function startWorker(name: string, passwordFile: string, scratch: string): Promise<WorkerProc> {
  const child = spawnTied(
    process.execPath,
    ['--import', 'tsx', 'src-main/core/cli.ts', 'worker', '--redis', redis!.url, '--redis-password-file', passwordFile, '--provider', 'cpu', '--name', name, '--lock-ms', '5000', '--scratch', scratch],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  const log: string[] = [];
  const listeners: Array<(id: string) => void> = [];
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    for (const line of d.split('\n').filter(Boolean)) {
      log.push(line);
      const m = / job (\S+): started/.exec(line);
      if (m) for (const f of listeners) f(m[1]);
    }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      if (d.includes(`ready\t${name}`)) resolve({ child, log, onStart: (f) => listeners.push(f), exited });
    });
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code}:\n${log.join('\n')}`)));
  });
}

/** Each session's single complete run, keyed by the clip's content hash (the imported file's name carries it). */
function runsByClip(dataDir: string): Map<string, { sessionId: number; runIds: number[] }> {
  const db = new Database(path.join(dataDir, 'affect-studio.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT m.file_name AS file, s.id AS sessionId, group_concat(r.id) AS runs FROM session s JOIN media_file m ON m.session_id = s.id
         LEFT JOIN analysis_run r ON r.session_id = s.id GROUP BY s.id ORDER BY s.id`,
      )
      .all() as Array<{ file: string; sessionId: number; runs: string | null }>;
    return new Map(rows.map((r) => [r.file, { sessionId: r.sessionId, runIds: r.runs ? r.runs.split(',').map(Number) : [] }]));
  } finally {
    db.close();
  }
}

describe.skipIf(missing)(`two worker processes on a real Redis${missing ? ` (${missing})` : ''}`, () => {
  it('analyse 8 clips exactly once although one worker is killed mid-job, equal to a single-machine affect analyze', async (ctx) => {
    const clips = await shortClips(8);
    if ('skip' in clips) return ctx.skip(clips.skip);
    const passwordFile = path.join(tempDir(), 'redis-password');
    writeFileSync(passwordFile, `${redis!.password}\n`, { mode: 0o600 });
    const scratch = tempDir();
    const [a, b] = await Promise.all([startWorker('worker-a', passwordFile, scratch), startWorker('worker-b', passwordFile, scratch)]);

    // Worker A dies (no clean-up, no goodbye) as soon as it has a job in hand.
    let killedJob: string | null = null;
    a.onStart((jobId) => {
      if (killedJob) return;
      killedJob = jobId;
      a.child.kill('SIGKILL');
    });

    const dataDir = tempDir();
    const setup = capture();
    const at = ['--data-dir', dataDir, '--operator', 'RA Lab'];
    // Clear folders (new folders are encrypted by default): this test reads their databases directly; an encrypted
    // submitter is lab-queue.test.ts's.
    expect(await runCli(['operators', 'add', 'RA Lab', '--role', 'researcher', '--data-dir', dataDir, '--no-encryption'], setup.io)).toBe(0);
    expect(await runCli(['participants', 'add', 'P-0012', '--consent', 'video,audio,analysis,research', ...at], setup.io)).toBe(0);
    const submit = capture();
    const code = await runCli(['batch', 'submit', ...clips.files, '--participant', 'P-0012', '--redis', redis!.url, '--redis-password-file', passwordFile, ...at], submit.io);
    expect(code, `${submit.err.join('\n')}\nworker a:\n${a.log.join('\n')}\nworker b:\n${b.log.join('\n')}`).toBe(0);
    await a.exited;
    expect(a.child.signalCode).toBe('SIGKILL');
    expect(killedJob).not.toBeNull();

    // Every clip: ok, once, by a worker; the killed job was finished by the other worker.
    const lines = submit.out.map((l) => l.split('\t'));
    expect(lines.map((l) => l[0])).toEqual(new Array(8).fill('ok'));
    expect(new Set(lines.map((l) => l[1]))).toEqual(new Set(clips.files));
    const db = new Database(path.join(dataDir, 'affect-studio.sqlite'), { readonly: true });
    const jobs = db.prepare('SELECT id, state, worker, run_id AS runId FROM queue_job ORDER BY id').all() as Array<{ id: number; state: string; worker: string; runId: number }>;
    const imports = db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'analysis.import'").get() as { n: number };
    db.close();
    expect(jobs).toHaveLength(8);
    expect(jobs.every((j) => j.state === 'done' && j.runId !== null)).toBe(true);
    expect(imports.n).toBe(8);
    const killedLocalId = Number(killedJob!.split('-')[1]);
    expect(jobs.find((j) => j.id === killedLocalId)?.worker).toBe('worker-b');
    expect(b.log.some((l) => l.includes(`job ${killedJob}: started`))).toBe(true);

    // The same clips analysed on one machine.
    const refDir = tempDir();
    expect(await runCli(['operators', 'add', 'RA Lab', '--role', 'researcher', '--data-dir', refDir, '--no-encryption'], setup.io)).toBe(0);
    expect(await runCli(['participants', 'add', 'P-0012', '--consent', 'video,audio,analysis,research', '--data-dir', refDir, '--operator', 'RA Lab'], setup.io)).toBe(0);
    const ref = capture();
    expect(await runCli(['analyze', ...clips.files, '--participant', 'P-0012', '--provider', 'cpu', '--out', tempDir(), '--data-dir', refDir, '--operator', 'RA Lab'], ref.io), ref.err.join('\n')).toBe(0);

    const queued = runsByClip(dataDir);
    const single = runsByClip(refDir);
    expect(queued.size).toBe(8);
    expect([...queued.keys()].sort()).toEqual([...single.keys()].sort());
    const qdb = new Database(path.join(dataDir, 'affect-studio.sqlite'), { readonly: true });
    const sdb = new Database(path.join(refDir, 'affect-studio.sqlite'), { readonly: true });
    try {
      for (const [file, q] of queued) {
        expect(q.runIds, `session ${q.sessionId} (${file}) has exactly one run`).toHaveLength(1);
        const s = single.get(file)!;
        const qs = runSnapshot(qdb, q.runIds[0]);
        const ss = runSnapshot(sdb, s.runIds[0]);
        expect(snapshotSizes(qs).fused).toBeGreaterThan(10);
        expect(snapshotDiff(qs, ss, 1e-6), file).toEqual([]);
      }
    } finally {
      qdb.close();
      sdb.close();
    }
    b.child.kill('SIGTERM');
    await b.exited;
    expect(b.child.exitCode).toBe(0);
  }, 600_000);
});
