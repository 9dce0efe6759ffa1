// "Lab workers" as the analyser of a Sessions batch, with real parts: a real redis-server, a real `affect worker`
// process (the CLI), clips imported through the work queue. Unavailable until the app is connected to a lab
// queue; a batch of 2 clips ends with both analysed by the worker, equal to analysing them here; closing the
// app leaves the job in the queue, and after the next start it is followed, not sent twice; cancelling takes a
// waiting job back out of the queue.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Job, Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContractClient } from '../../../src-shared/client/contract-client.js';
import { uploadBatchFiles } from '../../../src-shared/client/upload-batch.js';
import type { ClipSource } from '../../../src-shared/client/upload-clip.js';
import type { BatchView } from '../../../src-shared/contract/batch.js';
import type { ApiError } from '../../../src-shared/errors.js';
import { localizeMessage } from '../../../src-shared/i18n/errors.js';
import { localizeNotes } from '../../../src-shared/i18n/notes.js';
import { type AppCore, createCore } from '../app-core.js';
import { openClipFile } from '../cli/clip-file.js';
import { QUEUE_NAME } from '../queue/job.js';
import { directClient } from '../rpc/direct-client.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';
import { redisServerMissing, startRedis, type TestRedis } from '../test-support/redis-server.js';
import { runSnapshot, snapshotDiff, snapshotSizes } from '../test-support/run-snapshot.js';
import { shortClips } from '../test-support/short-clips.js';
import { spawnTied, stopChild } from '../test-support/tied-process.js';
import { until } from '../test-support/until.js';

const root = path.resolve(import.meta.dirname, '../../..');
const missing = redisServerMissing();
let redis: TestRedis | undefined;
let worker: ChildProcess | null = null;
let core: AppCore | null = null;

beforeAll(async () => {
  if (!missing) redis = await startRedis();
}, 60_000);
afterEach(async () => {
  await core?.close();
  core = null;
});
afterAll(async () => {
  if (worker) await stopChild(worker, 10_000);
  await redis?.stop();
});

async function open(dataDir: string): Promise<{ core: AppCore; api: ContractClient; pid: number }> {
  core = await createCore({ dataDir, provider: 'cpu' });
  const api = directClient(core, operatorCtx(core, 'Dr Lab', 'researcher'));
  return { core, api, pid: consentedParticipant(core, 'P-lab-1') };
}

/** Resolves with the batch once nothing in it is left to do. */
async function settled(api: ContractClient, batchId: number, ms = 240_000): Promise<BatchView> {
  const end = Date.now() + ms;
  for (;;) {
    const b = (await api.call('batch.list', {})).find((x) => x.id === batchId)!;
    if (!b.summary.active) return b;
    if (Date.now() > end) throw new Error(`the batch did not finish in time: ${JSON.stringify(b.items.map((i) => [i.state, i.message]))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function startWorker(name: string): Promise<ChildProcess> {
  const passwordFile = path.join(tempDir(), 'redis-password');
  writeFileSync(passwordFile, `${redis!.password}\n`, { mode: 0o600 });
  const child = spawnTied(
    process.execPath,
    ['--import', 'tsx', 'src-main/core/cli.ts', 'worker', '--redis', redis!.url, '--redis-password-file', passwordFile, '--provider', 'cpu', '--name', name, '--lock-ms', '5000', '--scratch', tempDir()],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  worker = child;
  const log: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (d: string) => void log.push(d));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      if (d.includes(`ready\t${name}`)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code}:\n${log.join('')}`)));
  });
}

const queueJobs = (c: AppCore) => c.services.db.prepare('SELECT id, session_id AS sessionId, state, worker, run_id AS runId FROM queue_job ORDER BY id').all() as Array<{ id: number; sessionId: number; state: string; worker: string | null; runId: number | null }>;

describe('lab workers as a batch executor', () => {
  it('is unavailable, with a reason from the catalogues, while the app is not connected to a lab queue', async () => {
    const { api, pid } = await open(tempDir());
    const lab = (await api.call('batch.executors', {})).find((e) => e.id === 'lab');
    expect(lab).toMatchObject({ label: 'Lab workers', unavailable: expect.stringMatching(/^not connected to a lab queue: connect in the Lab workers panel/) });
    expect(localizeNotes('zh-CN', [lab!.unavailableNote!])).toMatch(/^尚未连接实验室队列/);
    const refused = await api.call('batch.create', { kind: 'import', participantId: pid, protocol: 'p', executor: 'lab', files: [{ name: 'a.mp4', size: 10 }] }).then(
      () => null,
      (e: unknown) => e as ApiError,
    );
    expect(refused).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^Lab workers cannot take work now: not connected to a lab queue/) });
    // Worded in the reader's language, the executor's name included.
    expect(localizeMessage('zh-CN', refused!.message, refused!.i18n)).toMatch(/^实验室工作机 目前无法接收工作：尚未连接实验室队列/);
    expect(await api.call('batch.list', {})).toEqual([]);
  });

  describe.skipIf(missing)(`on a real Redis with a real worker process${missing ? ` (${missing})` : ''}`, () => {
    it('imports 2 clips analysed by the worker, equal to analysing them here; a restart follows the job instead of sending it again; cancel takes a waiting job back', async (ctx) => {
      const clips = await shortClips(2);
      if ('skip' in clips) return ctx.skip(clips.skip);
      const dataDir = tempDir();
      const connect = (api: ContractClient) => api.call('queue.connect', { url: redis!.url, password: redis!.password });
      let { core: c, api, pid } = await open(dataDir);
      const changed: unknown[] = [];
      c.services.events.subscribe((name) => void (name === 'batch.executors' && changed.push(name)));
      await connect(api);
      expect(changed).toHaveLength(1); // the import panel and batch actions reload their choice
      expect((await api.call('batch.executors', {})).find((e) => e.id === 'lab')).toMatchObject({ unavailable: null });

      const names = clips.files.map((f, i) => `day ${i + 1}/${path.basename(f)}`);
      const batch = await api.call('batch.create', {
        kind: 'import',
        participantId: pid,
        protocol: 'lab-corpus',
        analyse: true,
        executor: 'lab',
        files: names.map((name, i) => ({ name, size: readFileSync(clips.files[i]).length })),
      });
      expect(batch.executor).toBe('lab');
      const opened = await Promise.all(clips.files.map((f) => openClipFile(f)));
      const sources = new Map<string, ClipSource>();
      opened.forEach((o, i) => {
        if (!('source' in o)) throw new Error(o.message);
        sources.set(names[i], o.source);
      });
      try {
        expect(await uploadBatchFiles(api.call.bind(api), batch.items, sources)).toBe(2);
      } finally {
        await Promise.all(opened.map((o) => ('source' in o ? o.close() : undefined)));
      }

      // No worker yet: the first clip's job waits in the queue. The app closes meanwhile.
      const first = await until('the first job to be sent', () => queueJobs(c)[0]);
      expect(first).toMatchObject({ state: 'queued', worker: null });
      const jobId = `${c.services.queue.folderId()}-${first.id}`;
      const q = new Queue(QUEUE_NAME, { connection: { host: redis!.host, port: redis!.port, password: redis!.password } });
      try {
        expect(await q.getJobState(jobId)).toBe('waiting');
        await c.close();
        core = null;
        expect(await q.getJobState(jobId)).toBe('waiting'); // left in the queue

        // The next start: not connected (the password is kept in memory only), so the items wait and say why.
        ({ core: c, api, pid } = await open(dataDir));
        const waiting = await until('both items to wait for the lab workers', async () => {
          const now = (await api.call('batch.list', {})).find((x) => x.id === batch.id)!;
          return now.items.every((i) => i.message?.startsWith('Waiting for Lab workers')) ? now : null;
        });
        expect(waiting.items.map((i) => i.state)).toEqual(['analysing', 'analysing']);
        expect(waiting.summary.active).toBe(true);
        expect(waiting.items[0].message).toMatch(/^Waiting for Lab workers to be able to take work; not connected to a lab queue/);
        expect(localizeNotes('zh-CN', waiting.items[0].notes)).toMatch(/^正在等待实验室工作机可以接受任务.*尚未连接实验室队列/);
        expect(queueJobs(c)).toHaveLength(1); // nothing sent while not connected

        // Connected again: the items go on by themselves (no Retry); the waiting job is followed, the other clip sent.
        await connect(api);
        const progress: number[] = [];
        const off = api.on('batch.item', (e) => void (e.item.batchId === batch.id && e.item.state === 'analysing' && progress.push(e.item.fraction)));
        // Both clips wait in the queue at once (lab workers take several items of a batch; one machine would
        // take them one after the other).
        await until('both jobs in the queue at once', () => queueJobs(c).filter((j) => j.state === 'queued').length === 2, 60_000);
        await startWorker('lab-pc-1');
        const b = await settled(api, batch.id);
        off();
        expect(b.items.map((i) => [i.state, i.message])).toEqual([
          ['done', null],
          ['done', null],
        ]);
        const jobs = queueJobs(c);
        expect(jobs).toHaveLength(2); // one job per clip: the first was not sent a second time
        expect(jobs.map((j) => [j.state, j.worker])).toEqual([
          ['done', 'lab-pc-1'],
          ['done', 'lab-pc-1'],
        ]);
        expect(jobs.map((j) => j.runId)).toEqual(b.items.map((i) => i.runId));
        // The items went through 'analysing' with fractions from the queue (a 1.5 s clip may finish between two
        // polls on a fast machine, so a value strictly between 0 and 1 is not guaranteed).
        expect(progress.length).toBeGreaterThan(0);
        expect(progress.every((f) => f >= 0 && f <= 1)).toBe(true);
        expect(await q.getJobState(jobId)).toBe('unknown'); // settled jobs leave Redis

        // The same clips analysed on this computer: the same observations, fused timeline and episodes.
        for (const it of b.items) {
          const remote = c.services.analysis.runs.get(it.runId!);
          expect(remote).toMatchObject({ status: 'complete', provider: 'cpu' });
          const local = await api.call('analysis.start', { sessionId: it.sessionId! });
          await c.services.analysis.runner.whenDone(local.id);
          const [sa, sb] = [runSnapshot(c.services.db, remote.id), runSnapshot(c.services.db, local.id)];
          expect(snapshotSizes(sa).face_obs).toBeGreaterThan(10);
          expect(snapshotSizes(sa).fused).toBeGreaterThan(10);
          expect(snapshotDiff(sa, sb, 1e-6), it.label!).toEqual([]);
        }
        const audit = c.services.db.prepare("SELECT action, operator_id AS op FROM audit_log WHERE action IN ('queue.submit', 'analysis.import') ORDER BY id").all() as Array<{ action: string; op: number }>;
        expect(audit.map((a) => a.action).sort()).toEqual(['analysis.import', 'analysis.import', 'queue.submit', 'queue.submit']);
        expect(new Set(audit.map((a) => a.op))).toEqual(new Set([operatorCtx(c, 'Dr Lab').operatorId]));

        // No worker: an analysis batch's waiting job is taken back out of the queue when cancelled.
        await stopChild(worker!, 10_000);
        worker = null;
        const again = await api.call('batch.create', { kind: 'analyse', sessionIds: [b.items[0].sessionId!], executor: 'lab' });
        const third = await until('the job to be sent', () => queueJobs(c)[2]);
        await api.call('batch.cancel', { batchId: again.id });
        const cancelled = await settled(api, again.id);
        expect(cancelled.items[0].state).toBe('cancelled');
        await until('the job to leave the queue', () => queueJobs(c)[2].state === 'failed', 20_000);
        expect(await Job.fromId(q, `${c.services.queue.folderId()}-${third.id}`)).toBeUndefined();
        expect(queueJobs(c)[2]).toMatchObject({ state: 'failed', runId: null });
      } finally {
        await q.close();
      }
    }, 600_000);
  });
});
