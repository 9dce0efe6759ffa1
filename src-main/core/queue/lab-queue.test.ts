import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractClient } from '../../../src-shared/client/contract-client.js';
import { ApiError } from '../../../src-shared/errors.js';
import { localizeMessage } from '../../../src-shared/i18n/errors.js';
import { type AppCore, createCore } from '../app-core.js';
import { importClip } from '../cli/analyze-command.js';
import { directClient } from '../rpc/direct-client.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { makeWebm, tempDir } from '../test-support/make-media.js';
import { redisServerMissing, startRedis, testCertificates, type TestRedis } from '../test-support/redis-server.js';
import { probeRedis } from './redis-connection.js';
import { runSnapshot, snapshotDiff, snapshotSizes } from '../test-support/run-snapshot.js';
import { shortClips } from '../test-support/short-clips.js';
import { decodeBundle } from './bundle.js';
import { LabWorker } from './lab-worker.js';
import { newKeyFile, writeKeyFile } from '../vault/key-file.js';
import { until } from '../test-support/until.js';

const missing = redisServerMissing();
let redis: TestRedis;
let clips: { files: string[] } | { skip: string };

beforeAll(async () => {
  if (missing) return;
  redis = await startRedis();
  clips = await shortClips(3);
}, 120_000);
afterAll(async () => {
  await redis?.stop();
});

async function submitter(): Promise<{ core: AppCore; api: ContractClient; participantId: number }> {
  const core = await createCore({ dataDir: tempDir(), provider: 'cpu' });
  const ctx = operatorCtx(core, 'Lab Coordinator', 'researcher');
  return { core, api: directClient(core, ctx), participantId: consentedParticipant(core, 'P-queue') };
}

const worker = (o: Partial<Parameters<typeof LabWorker.start>[0]> = {}) =>
  LabWorker.start({ redis: { url: redis.url, password: redis.password }, concurrency: 1, provider: 'cpu', shares: [], scratchRoot: tempDir(), lockMs: 5000, log: () => undefined, ...o });

describe.skipIf(missing)(`lab workers on a real Redis${missing ? ` (${missing})` : ''}`, () => {
  it('stores a worker\'s result once, equal to analysing the clip here; a second delivery is dropped', async (ctx) => {
    if ('skip' in clips) return ctx.skip(clips.skip);
    const { core, api, participantId } = await submitter();
    const w = await worker({ queue: 'q-equal', name: 'bench-a' });
    try {
      await api.call('queue.connect', { url: redis.url, password: redis.password, queue: 'q-equal' });
      const session = await api.call('sessions.create', { participantId, protocol: 'import' });
      const imported = await importClip(api, session.id, clips.files[0]);
      if (!imported.ok) throw new Error(imported.message);
      const sent = await api.call('queue.submit', { items: [{ sessionId: session.id, mediaFileId: imported.mediaFileId }] });
      expect(sent.refused).toEqual([]);
      expect(sent.jobs[0].via).toBe('inline');
      // The job carries ids and the clip, never the participant's code.
      const q = new Queue('q-equal', { connection: { host: redis.host, port: redis.port, password: redis.password } });
      const job = await until('the job to finish', async () => ((await q.getJobState(sent.jobs[0].jobId)) === 'completed' ? Job.fromId(q, sent.jobs[0].jobId) : null));
      expect(JSON.stringify(job.data)).not.toContain('P-queue');
      expect(job.processedBy).toBe('bench-a');
      const wire = job.returnvalue;
      expect((await decodeBundle(wire)).tables.face_obs.rows.length).toBeGreaterThan(10);

      // Two collects at once (e.g. the app panel and a timer): the result is stored once.
      const [a, b] = await Promise.all([api.call('queue.collect', {}), api.call('queue.collect', {})]);
      const stored = [...a.stored, ...b.stored];
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ sessionId: session.id, worker: 'bench-a' });
      // The same result delivered again: recognised and not stored a second time.
      const row = core.services.queue.row(sent.jobs[0].id)!;
      const again = await core.services.queue.importResult(row, sent.jobs[0].jobId, wire, 'bench-a', { stored: () => undefined, failed: () => undefined, refusal: () => null });
      expect(again).toEqual({ duplicate: true });
      expect(await Job.fromId(q, sent.jobs[0].jobId)).toBeUndefined(); // settled jobs leave Redis

      // The same clip analysed on this machine gives the same observations, fused timeline and episodes.
      const local = await api.call('analysis.start', { sessionId: session.id, mediaFileId: imported.mediaFileId });
      await core.services.analysis.runner.whenDone(local.id);
      const runs = await api.call('analysis.runs', { sessionId: session.id });
      expect(runs.map((r) => r.status)).toEqual(['complete', 'complete']);
      const remote = runs.find((r) => r.id === stored[0].runId)!;
      const here = runs.find((r) => r.id === local.id)!;
      expect(remote.models).toEqual(here.models);
      expect(remote.provider).toBe('cpu');
      const sa = runSnapshot(core.services.db, remote.id);
      const sb = runSnapshot(core.services.db, here.id);
      expect(snapshotSizes(sa).fused).toBeGreaterThan(10);
      expect(snapshotSizes(sa).face_obs).toBeGreaterThan(10);
      expect(snapshotSizes(sa).voice_obs).toBeGreaterThan(0);
      expect(snapshotDiff(sa, sb)).toEqual([]);
      const actions = core.services.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'queue.%' OR action = 'analysis.import'").all();
      expect(actions).toEqual([{ action: 'queue.submit' }, { action: 'analysis.import' }]);

      // A participant who withdraws consent while their clip is with a worker: the result is not stored.
      const withdrawn = consentedParticipant(core, 'P-withdraws');
      const s2 = await api.call('sessions.create', { participantId: withdrawn, protocol: 'import' });
      const clip2 = await importClip(api, s2.id, clips.files[0]);
      if (!clip2.ok) throw new Error(clip2.message);
      const sent2 = await api.call('queue.submit', { items: [{ sessionId: s2.id }] });
      await until('the second job to finish', async () => (await q.getJobState(sent2.jobs[0].jobId)) === 'completed');
      await api.call('consent.withdraw', { participantId: withdrawn, takenOn: new Date().toISOString().slice(0, 10) });
      const c2 = await api.call('queue.collect', {});
      expect(c2.stored).toEqual([]);
      expect(c2.failed).toEqual([{ id: sent2.jobs[0].id, sessionId: s2.id, error: expect.stringMatching(/^The result was not stored: .*P-withdraws.*withdrawn/), errorNote: expect.objectContaining({ key: 'labJob.notStored' }) }]);
      expect(await api.call('analysis.runs', { sessionId: s2.id })).toEqual([]);
      expect(await Job.fromId(q, sent2.jobs[0].jobId)).toBeUndefined();
      await q.close();
    } finally {
      await w.stop();
      await core.close();
    }
  }, 300_000);

  it('sends a clip from an encrypted folder decrypted in memory; the worker keeps it sealed in its own encrypted scratch folder', async (ctx) => {
    if ('skip' in clips) return ctx.skip(clips.skip);
    process.env.AFFECT_INSECURE_TEST_KDF = '1';
    const dataDir = tempDir();
    const made = await newKeyFile('lab passphrase');
    writeKeyFile(dataDir, made.file);
    const core = await createCore({ dataDir, provider: 'cpu', keys: made.keys });
    const api = directClient(core, operatorCtx(core, 'Lab Coordinator', 'researcher'));
    const scratchRoot = tempDir();
    const w = await worker({ queue: 'q-sealed', name: 'sealed-a', scratchRoot });
    try {
      // The worker's scratch folder is encrypted: a key file, and a database that is not a clear SQLite file.
      const scratch = readdirSync(scratchRoot).filter((n) => n.startsWith('affect-worker-')).map((n) => path.join(scratchRoot, n));
      expect(scratch).toHaveLength(1);
      expect(readdirSync(scratch[0])).toContain('affect-keys.json');
      expect(readFileSync(path.join(scratch[0], 'affect-studio.sqlite')).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');

      await api.call('queue.connect', { url: redis.url, password: redis.password, queue: 'q-sealed', shares: [{ name: 'data', folder: dataDir }] });
      const session = await api.call('sessions.create', { participantId: consentedParticipant(core, 'P-sealed'), protocol: 'import' });
      const imported = await importClip(api, session.id, clips.files[0]);
      if (!imported.ok) throw new Error(imported.message);
      const sent = await api.call('queue.submit', { items: [{ sessionId: session.id }] });
      expect(sent.refused).toEqual([]);
      // Never as a path (workers have no key), even with the data folder on a share: the clip itself, decrypted.
      expect(sent.jobs[0].via).toBe('inline');
      const clip = readFileSync(clips.files[0]);
      const q = new Queue('q-sealed', { connection: { host: redis.host, port: redis.port, password: redis.password } });
      const job = await Job.fromId(q, sent.jobs[0].jobId);
      expect(job!.data.sha256).toBe(createHash('sha256').update(clip).digest('hex'));
      expect(job!.data.bytes).toBe(statSync(clips.files[0]).size);
      expect(Buffer.from(job!.data.clip.data, 'base64').equals(clip)).toBe(true);
      await until('the job to finish', async () => (await q.getJobState(sent.jobs[0].jobId)) === 'completed');
      const collected = await api.call('queue.collect', {});
      expect(collected.stored).toHaveLength(1);
      await q.close();
    } finally {
      await w.stop();
      await core.close();
    }
  });

  it('refuses jobs whose model hashes differ from the worker\'s at once, with the reason', async (ctx) => {
    if ('skip' in clips) return ctx.skip(clips.skip);
    const { core, api, participantId } = await submitter();
    const w = await worker({ queue: 'q-models', name: 'old-models' });
    const q = new Queue('q-models', { connection: { host: redis.host, port: redis.port, password: redis.password } });
    try {
      await api.call('queue.connect', { url: redis.url, password: redis.password, queue: 'q-models', attempts: 3, backoffMs: 100 });
      const session = await api.call('sessions.create', { participantId, protocol: 'import' });
      const imported = await importClip(api, session.id, clips.files[1]);
      if (!imported.ok) throw new Error(imported.message);
      // A submitter with another face model: the same job, one sha256 changed (while the queue holds it).
      await q.pause();
      const sent = await api.call('queue.submit', { items: [{ sessionId: session.id }] });
      const jobId = sent.jobs[0].jobId;
      const job = (await Job.fromId(q, jobId))!;
      const data = job.data as { models: Array<{ task: string; sha256: string }> };
      const face = data.models.find((m) => m.task === 'face-emotion')!;
      face.sha256 = 'f'.repeat(64);
      await job.updateData(data);
      core.services.db.prepare('UPDATE queue_job SET models = ? WHERE id = ?').run(JSON.stringify(data.models), sent.jobs[0].id);
      await q.resume();
      const failed = await until('the job to be refused', async () => {
        await api.call('queue.collect', {});
        return (await api.call('queue.status', {})).jobs.find((j) => j.id === sent.jobs[0].id && j.state === 'failed');
      });
      expect(failed.error).toMatch(/refused by old-models: model hashes differ from the submitter's \(face-emotion: .* differs/);
      expect(failed.worker).toBe('old-models');
      expect((await Job.fromId(q, jobId))!.attemptsMade).toBe(1); // refused, not retried
      expect((await api.call('analysis.runs', { sessionId: session.id })).length).toBe(0);
    } finally {
      await q.close();
      await w.stop();
      await core.close();
    }
  }, 300_000);

  it('retries a job no worker can read with backoff, fails it with the reason, and runs it again on retry', async (ctx) => {
    if ('skip' in clips) return ctx.skip(clips.skip);
    const { core, api, participantId } = await submitter();
    // The lab's file server: mounted as <root>/here on the submitter and as <root>/there on the worker.
    const root = tempDir();
    mkdirSync(path.join(root, 'here', 'study', 'site A'), { recursive: true });
    symlinkSync(path.join(root, 'here'), path.join(root, 'there'));
    const clip = path.join(root, 'here', 'study', 'site A', 'p01.mp4');
    copyFileSync(clips.files[2], clip);
    const noShare = await worker({ queue: 'q-retry', name: 'no-share' });
    let withShare: LabWorker | null = null;
    try {
      await api.call('queue.connect', { url: redis.url, password: redis.password, queue: 'q-retry', shares: [{ name: 'corpus', folder: path.join(root, 'here') }], inlineMaxBytes: 0, attempts: 2, backoffMs: 300 });
      const session = await api.call('sessions.create', { participantId, protocol: 'import' });
      const imported = await importClip(api, session.id, clip);
      if (!imported.ok) throw new Error(imported.message);
      const sent = await api.call('queue.submit', { items: [{ sessionId: session.id, sourcePath: clip }] });
      expect(sent.jobs[0].via).toBe('share');
      // Seen failed in the panel (which reads Redis) before any collect recorded it: Retry still takes it.
      const failed = await until('the job to fail', async () => (await api.call('queue.status', {})).jobs.find((j) => j.state === 'failed'));
      expect(failed.error).toMatch(/this worker has no share "corpus"/);
      const q = new Queue('q-retry', { connection: { host: redis.host, port: redis.port, password: redis.password } });
      const job = (await Job.fromId(q, sent.jobs[0].jobId))!;
      expect(job.attemptsMade).toBe(2);
      expect(job.finishedOn! - job.processedOn!).toBeGreaterThanOrEqual(0);
      await q.close();
      await noShare.stop();

      // A worker that has the share (at another path) takes the job when it is sent again.
      withShare = await worker({ queue: 'q-retry', name: 'has-share', shares: [{ name: 'corpus', root: path.join(root, 'there') }] });
      const retried = await api.call('queue.retry', { ids: [failed.id] });
      expect(retried.refused).toEqual([]);
      expect(retried.jobs).toEqual([{ id: failed.id, sessionId: session.id }]);
      const done = await until('the retried job to be stored', async () => (await api.call('queue.collect', {})).stored[0]);
      expect(done).toMatchObject({ sessionId: session.id, worker: 'has-share' });
      const st = await api.call('queue.status', {});
      expect(st.counts).toMatchObject({ waiting: 0, active: 0, done: 1, failed: 0, lost: 0 });
      expect(st.workers.find((x) => x.name === 'has-share')).toMatchObject({ online: true, done: 1 });
    } finally {
      await noShare.stop();
      await withShare?.stop();
      await core.close();
    }
  }, 300_000);

  it('a worker that is stopped mid-job hands the job back to the queue, and another worker does it', async (ctx) => {
    if ('skip' in clips) return ctx.skip(clips.skip);
    const { core, api, participantId } = await submitter();
    const first = await worker({ queue: 'q-handback', name: 'leaving' });
    let second: LabWorker | null = null;
    const q = new Queue('q-handback', { connection: { host: redis.host, port: redis.port, password: redis.password } });
    try {
      await api.call('queue.connect', { url: redis.url, password: redis.password, queue: 'q-handback' });
      const session = await api.call('sessions.create', { participantId, protocol: 'import' });
      // A clip long enough that a fast machine is still analysing it when the worker is stopped (a 1.5 s clip
      // was finished in between on an idle machine).
      const long = await makeWebm(path.join(tempDir(), 'long.webm'), 20);
      const imported = await importClip(api, session.id, long);
      if (!imported.ok) throw new Error(imported.message);
      const sent = await api.call('queue.submit', { items: [{ sessionId: session.id }] });
      const jobId = sent.jobs[0].jobId;
      await until('the job to be active', async () => (await q.getJobState(jobId)) === 'active');
      await first.stop();
      expect(await q.getJobState(jobId)).toBe('waiting');
      expect((await Job.fromId(q, jobId))!.attemptsMade).toBe(0); // handed back, not a failed attempt
      second = await worker({ queue: 'q-handback', name: 'staying' });
      const stored = await until('the job to be stored', async () => (await api.call('queue.collect', {})).stored[0], 240_000);
      expect(stored).toMatchObject({ sessionId: session.id, worker: 'staying' });
    } finally {
      await q.close();
      await first.stop();
      await second?.stop();
      await core.close();
    }
  }, 300_000);

  it('takes a waiting job out of the queue when its participant withdraws consent, and will not retry it', async (ctx) => {
    if ('skip' in clips) return ctx.skip(clips.skip);
    const { core, api, participantId } = await submitter();
    const q = new Queue('q-withdraw', { connection: { host: redis.host, port: redis.port, password: redis.password } });
    try {
      // No worker on this queue: both jobs wait.
      await api.call('queue.connect', { url: redis.url, password: redis.password, queue: 'q-withdraw' });
      const withdrawn = consentedParticipant(core, 'P-leaves');
      const sessions = [await api.call('sessions.create', { participantId, protocol: 'import' }), await api.call('sessions.create', { participantId: withdrawn, protocol: 'import' })];
      for (const s of sessions) {
        const imported = await importClip(api, s.id, clips.files[2]);
        if (!imported.ok) throw new Error(imported.message);
      }
      // A session with nothing to analyse is refused in words the interface can show in its own language.
      const empty = await api.call('sessions.create', { participantId, protocol: 'import' });
      const sent = await api.call('queue.submit', { items: [...sessions, empty].map((s) => ({ sessionId: s.id })) });
      expect(sent.refused).toEqual([{ sessionId: empty.id, message: `Session ${empty.id} has no recording or clip to analyse`, i18n: { key: 'errors.queue.noMedia', vars: { id: empty.id } } }]);
      expect(localizeMessage('zh-CN', sent.refused[0].message, sent.refused[0].i18n)).toBe(`会话 ${empty.id} 没有可分析的录制或片段`);
      expect(sent.jobs).toHaveLength(2);
      const [stays, leaves] = sent.jobs;
      expect(await q.getJobState(leaves.jobId)).toBe('waiting');
      await api.call('consent.withdraw', { participantId: withdrawn, takenOn: new Date().toISOString().slice(0, 10) });

      const c = await api.call('queue.collect', {});
      expect(c.failed).toEqual([{ id: leaves.id, sessionId: sessions[1].id, error: expect.stringMatching(/^Not analysed: .*P-leaves.*withdrawn/), errorNote: expect.objectContaining({ key: 'labJob.notAnalysed' }) }]);
      // The clip (sent inline) is gone from Redis before any worker saw it; the other participant's job still waits.
      expect(await Job.fromId(q, leaves.jobId)).toBeUndefined();
      expect(await q.getJobState(stays.jobId)).toBe('waiting');
      const status = await api.call('queue.status', {});
      expect(status.jobs.find((j) => j.id === leaves.id)).toMatchObject({ state: 'failed', error: expect.stringMatching(/^Not analysed/) });
      expect(status.jobs.find((j) => j.id === stays.id)?.state).toBe('waiting');
      // Retrying it is refused for the same reason.
      const r = await api.call('queue.retry', { ids: [leaves.id] });
      expect(r.jobs).toEqual([]);
      expect(r.refused).toEqual([{ id: leaves.id, message: expect.stringMatching(/P-leaves.*withdrawn/), i18n: expect.objectContaining({ key: 'consent.refusal' }) }]);
      const actions = core.services.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'queue.%' ORDER BY id").all();
      expect(actions).toEqual([{ action: 'queue.submit' }, { action: 'queue.submit' }, { action: 'queue.failed' }]);
    } finally {
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
      await core.close();
    }
  }, 300_000);

  it('refuses a wrong password and an unreachable server in words', async () => {
    const { core, api } = await submitter();
    try {
      const wrong = await api.call('queue.connect', { url: redis.url, password: 'not-it' }).catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(ApiError);
      expect((wrong as ApiError).message).toMatch(/Cannot reach the lab queue.*(WRONGPASS|invalid username-password)/);
      expect((wrong as ApiError).message).not.toContain('not-it');
      const none = await api.call('queue.connect', { url: 'redis://127.0.0.1:1' }).catch((e: unknown) => e);
      expect((none as ApiError).message).toMatch(/Cannot reach the lab queue.*ECONNREFUSED/);
      expect((await api.call('queue.submit', { items: [{ sessionId: 1 }] }).catch((e: unknown) => e)) as ApiError).toMatchObject({ code: 'conflict' });
    } finally {
      await core.close();
    }
  });

  it('connects over TLS with a lab CA and a password, and refuses a server whose certificate it cannot check', async () => {
    const certs = testCertificates();
    const tls = await startRedis({ tls: certs });
    const { core, api } = await submitter();
    try {
      expect(tls.url).toMatch(/^rediss:/);
      const st = await api.call('queue.connect', { url: tls.url, password: tls.password, caFile: certs.ca });
      expect(st).toMatchObject({ error: null, connection: { url: tls.url, queue: 'affect-analysis' } });
      await expect(probeRedis({ url: tls.url, password: tls.password, caFile: certs.ca })).resolves.toBeUndefined();
      const untrusted = await api.call('queue.connect', { url: tls.url, password: tls.password }).catch((e: unknown) => e);
      expect((untrusted as ApiError).message).toMatch(/Cannot reach the lab queue.*(self[- ]signed|unable to (get|verify))/i);
      const plain = await api.call('queue.connect', { url: tls.url.replace('rediss:', 'redis:'), password: tls.password }).catch((e: unknown) => e);
      expect(plain).toBeInstanceOf(ApiError);
    } finally {
      await core.close();
      await tls.stop();
    }
  });
});
