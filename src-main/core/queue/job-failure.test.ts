// Why a lab job failed, in the reader's language (issues 20 and 23), with real parts: a real redis-server, a real
// lab worker that refuses jobs (another Affect Studio version, a malformed job), a participant who withdraws consent
// while their job waits, and a "worker" that writes forged reasons into Redis. The reasons are worded in Chinese
// in the queue status (the panel's data), in a batch item's note and in `affect batch status --lang zh-CN`, in
// English with --lang en; forged ones are shown as the plain text they are, and nothing breaks.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractClient } from '../../../src-shared/client/contract-client.js';
import type { BatchView } from '../../../src-shared/contract/batch.js';
import { localizeNotes } from '../../../src-shared/i18n/notes.js';
import { createCore } from '../app-core.js';
import { importClip } from '../cli/analyze-command.js';
import { runCli } from '../cli.js';
import { directClient } from '../rpc/direct-client.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { makeWebm, tempDir } from '../test-support/make-media.js';
import { redisServerMissing, startRedis, type TestRedis } from '../test-support/redis-server.js';
import { until } from '../test-support/until.js';
import { APP_VERSION } from '../version.js';
import { LabWorker } from './lab-worker.js';

const missing = redisServerMissing();
let redis: TestRedis;
let clip: string;

beforeAll(async () => {
  if (missing) return;
  redis = await startRedis();
  clip = await makeWebm(path.join(tempDir(), 'clip.webm'), 1);
}, 120_000);
afterAll(async () => {
  await redis?.stop();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

async function settled(api: ContractClient, batchId: number): Promise<BatchView> {
  return until('the batch to finish', async () => {
    const b = (await api.call('batch.list', {})).find((x) => x.id === batchId)!;
    return b.summary.active ? null : b;
  });
}

describe.skipIf(missing)(`lab job reasons in the reader's language on a real Redis${missing ? ` (${missing})` : ''}`, () => {
  it('words a worker\'s refusals and a withdrawn consent in Chinese or English where a user reads them; forged reasons stay plain text', async () => {
    const dataDir = tempDir();
    const core = await createCore({ dataDir, provider: 'cpu' });
    const api = directClient(core, operatorCtx(core, 'Lab Coordinator', 'researcher'));
    const connection = { host: redis.host, port: redis.port, password: redis.password };
    const q = new Queue('q-lang', { connection });
    const forgedQ = new Queue('q-forged', { connection });
    let worker: LabWorker | null = null;
    let forger: Worker | null = null;
    let closed = false;
    try {
      const stays = consentedParticipant(core, 'P-lang');
      const leaves = consentedParticipant(core, 'P-leaves');
      const session = async (participantId: number): Promise<number> => {
        const s = await api.call('sessions.create', { participantId, protocol: 'import' });
        const imported = await importClip(api, s.id, clip);
        if (!imported.ok) throw new Error(imported.message);
        return s.id;
      };
      const [older, malformed, withdrawn] = [await session(stays), await session(stays), await session(leaves)];

      // Two sessions analysed by lab workers as a batch, one sent from the panel; the queue holds them for now.
      await api.call('queue.connect', { url: redis.url, password: redis.password, queue: 'q-lang' });
      await q.pause();
      const batch = await api.call('batch.create', { kind: 'analyse', sessionIds: [older, withdrawn], executor: 'lab' });
      const sent = await api.call('queue.submit', { items: [{ sessionId: malformed }] });
      const rows = await until('the three jobs in the queue', () => {
        const r = core.services.db.prepare("SELECT id, session_id AS sessionId FROM queue_job WHERE state = 'queued' ORDER BY id").all() as Array<{ id: number; sessionId: number }>;
        return r.length === 3 ? r : null;
      });
      const jobOf = (sessionId: number) => rows.find((r) => r.sessionId === sessionId)!.id;
      const jobId = (sessionId: number) => `${core.services.queue.folderId()}-${jobOf(sessionId)}`;
      expect(sent.jobs[0].id).toBe(jobOf(malformed));
      // Submitted by another Affect Studio; a job a worker cannot read.
      const a = (await Job.fromId(q, jobId(older)))!;
      await a.updateData({ ...a.data, softwareVersion: '0.0.1-old' });
      const b = (await Job.fromId(q, jobId(malformed)))!;
      await b.updateData({ ...b.data, sessionId: 'seven' });
      // The participant withdraws consent while their job waits: it is taken out before any worker sees it.
      await api.call('consent.withdraw', { participantId: leaves, takenOn: new Date().toISOString().slice(0, 10) });
      await until('the withdrawn job to leave the queue', async () => (await q.getJobState(jobId(withdrawn))) === 'unknown');
      await q.resume();
      worker = await LabWorker.start({ redis: { url: redis.url, password: redis.password }, queue: 'q-lang', concurrency: 1, provider: 'cpu', shares: [], scratchRoot: tempDir(), name: 'lab-pc-old', lockMs: 5000, log: () => undefined });

      // The batch items: why each failed, in either language.
      const done = await settled(api, batch.id);
      const item = (sessionId: number) => done.items.find((i) => i.sessionId === sessionId)!;
      expect(done.items.map((i) => i.state)).toEqual(['failed', 'failed']);
      const refusedEn = `refused by lab-pc-old: submitted by Affect Studio 0.0.1-old, this worker runs ${APP_VERSION}; results would not be comparable`;
      expect(item(older).message).toBe(`The lab workers could not analyse this clip (job ${jobOf(older)}): ${refusedEn}`);
      expect(localizeNotes('zh-CN', item(older).notes)).toBe(`实验室工作机无法分析此片段（任务 ${jobOf(older)}）：被 lab-pc-old 拒绝：作业由 Affect Studio 0.0.1-old 提交，此工作机运行的是 ${APP_VERSION}；两者的结果无法比较`);
      expect(item(withdrawn).message).toBe(`The lab workers could not analyse this clip (job ${jobOf(withdrawn)}): Not analysed: Cannot analyse session ${withdrawn}: participant P-leaves has no consent for automated analysis (consent was withdrawn).`);
      expect(localizeNotes('zh-CN', item(withdrawn).notes)).toBe(`实验室工作机无法分析此片段（任务 ${jobOf(withdrawn)}）：未分析：无法分析会话 ${withdrawn}：受试者 P-leaves 未同意自动分析（知情同意已撤回）。`);

      // The panel's data: the reason in English and as a catalogue entry; Redis keeps English first for a person
      // (or an older Affect Studio) reading it.
      const failed = await until('the malformed job to fail', async () => {
        await api.call('queue.collect', {});
        return (await api.call('queue.status', {})).jobs.find((j) => j.sessionId === malformed && j.state === 'failed');
      });
      expect(failed.error).toMatch(/^refused by lab-pc-old: malformed job \(sessionId: /);
      expect(failed.errorNote?.key).toBe('labJob.worker.malformed');
      expect(localizeNotes('zh-CN', [failed.errorNote!])).toMatch(/^被 lab-pc-old 拒绝：作业格式有误（sessionId: /);
      const inRedis = (await q.getJobs(['failed'])).map((j) => j.failedReason);
      expect(inRedis.find((r) => r.includes('malformed'))!.split('\n')[0]).toBe(failed.error);
      await worker.stop();
      worker = null;

      // Forged reasons in Redis (anyone who can write to it can write them): an entry this build lacks, values too
      // big, an entry no worker may send. Shown as the plain text they are.
      const forged: Record<number, string> = {};
      const [f1, f2, f3] = [await session(stays), await session(stays), await session(stays)];
      const tail = (json: unknown) => `\n[affect-note/1] ${JSON.stringify(json)}`;
      forged[f1] = `refused by mallory: trust me${tail({ key: 'labJob.worker.fromTheFuture', vars: { worker: 'mallory' } })}`;
      forged[f2] = `refused by mallory: too big${tail({ key: 'labJob.worker.softwareVersion', vars: { worker: 'mallory', submitted: '9'.repeat(5000), runs: '1' } })}`;
      forged[f3] = `Not analysed (forged)${tail({ key: 'labJob.notAnalysed', vars: { refusalKey: 'consent.refusal', code: 'P-victim', doingKey: 'consent.doing.analyseSessionId', scopesKeys: 'consent.scope.analysis', whyKey: 'consent.whyWithdrawn', sessionId: f3 } })}`;
      await api.call('queue.connect', { url: redis.url, password: redis.password, queue: 'q-forged' });
      forger = new Worker(
        'q-forged',
        async (job) => {
          throw new UnrecoverableError(forged[(job.data as { sessionId: number }).sessionId]);
        },
        { connection },
      );
      const sentForged = await api.call('queue.submit', { items: [f1, f2, f3].map((sessionId) => ({ sessionId })) });
      expect(sentForged.refused).toEqual([]);
      const plain = await until('the forged jobs to fail', async () => {
        await api.call('queue.collect', {});
        const jobs = (await api.call('queue.status', {})).jobs.filter((j) => [f1, f2, f3].includes(j.sessionId) && j.state === 'failed');
        return jobs.length === 3 ? jobs : null;
      });
      const shown = (sessionId: number) => {
        const j = plain.find((x) => x.sessionId === sessionId)!;
        return { en: j.error, zh: localizeNotes('zh-CN', j.errorNote ? [j.errorNote] : []) ?? j.error };
      };
      expect(shown(f1)).toEqual({ en: 'refused by mallory: trust me', zh: 'refused by mallory: trust me' });
      expect(shown(f2)).toEqual({ en: 'refused by mallory: too big', zh: 'refused by mallory: too big' });
      expect(shown(f3)).toEqual({ en: 'Not analysed (forged)', zh: 'Not analysed (forged)' });
      await core.close();
      closed = true;

      // `affect batch status`: the reasons in the language asked for, the forged ones as they are.
      const passwordFile = path.join(tempDir(), 'redis-password');
      writeFileSync(passwordFile, `${redis.password}\n`, { mode: 0o600 });
      const status = async (lang: string) => {
        const c = capture();
        const code = await runCli(['batch', 'status', '--no-collect', '--lang', lang, '--redis', redis.url, '--redis-password-file', passwordFile, '--queue', 'q-forged', '--data-dir', dataDir], c.io);
        expect(code, c.err.join('\n')).toBe(0);
        const reasons = new Map(c.out.filter((l) => l.startsWith('job\t')).map((l) => l.split('\t')).map((f) => [Number(f[2]), f[7]]));
        return (sessionId: number) => reasons.get(sessionId);
      };
      const zh = await status('zh-CN');
      expect(zh(older)).toBe(`被 lab-pc-old 拒绝：作业由 Affect Studio 0.0.1-old 提交，此工作机运行的是 ${APP_VERSION}；两者的结果无法比较`);
      expect(zh(malformed)).toMatch(/^被 lab-pc-old 拒绝：作业格式有误（sessionId: /);
      expect(zh(withdrawn)).toBe(`未分析：无法分析会话 ${withdrawn}：受试者 P-leaves 未同意自动分析（知情同意已撤回）。`);
      expect(zh(f1)).toBe('refused by mallory: trust me');
      expect(zh(f3)).toBe('Not analysed (forged)');
      const en = await status('en');
      expect(en(older)).toBe(refusedEn);
      expect(en(malformed)).toBe(failed.error);
      expect(en(withdrawn)).toBe(`Not analysed: Cannot analyse session ${withdrawn}: participant P-leaves has no consent for automated analysis (consent was withdrawn).`);
      expect(en(f2)).toBe('refused by mallory: too big');
      expect(await runCli(['batch', 'status', '--lang', 'fr', '--redis', redis.url, '--data-dir', dataDir], capture().io)).toBe(2);
    } finally {
      await worker?.stop();
      await forger?.close();
      await q.obliterate({ force: true }).catch(() => undefined);
      await forgedQ.obliterate({ force: true }).catch(() => undefined);
      await q.close();
      await forgedQ.close();
      if (!closed) await core.close();
    }
  }, 300_000);
});
