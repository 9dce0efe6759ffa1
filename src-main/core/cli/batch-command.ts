/**
 * `affect batch submit|status|retry`: analysis of many clips by lab workers. Every step is a request over the
 * contract (the in-process client), so consent is checked and the audit trail written as from the app.
 *
 * submit: each clip becomes a session of the participant and is imported (as `affect analyze` does), then one job
 * per clip goes to the queue; it then follows the jobs, storing results as they come, until every job is done or
 * failed (--no-wait returns at once; `affect batch status` stores what came back since).
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ContractClient } from '../../../src-shared/client/contract-client.js';
import type { QueueStatus } from '../../../src-shared/contract/queue.js';
import { ApiError } from '../../../src-shared/errors.js';
import { checkImportable, IMPORT_EXTENSIONS } from '../media/import-media.js';
import { importClip, type Io } from './analyze-command.js';
import { EXIT, UsageError } from './exit-codes.js';
import { intOption, type QueueOptionValues, queueName, redisTarget, shareOptions } from './queue-options.js';
import type { MethodInput } from '../../../src-shared/contract/index.js';

/** Clips given on the command line: files, and every clip under a folder (recursively, in name order). */
export function expandClips(inputs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const full = path.join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (IMPORT_EXTENSIONS.includes(path.extname(name).toLowerCase())) out.push(full);
    }
  };
  for (const input of inputs) {
    const abs = path.resolve(input);
    let st;
    try {
      st = statSync(abs);
    } catch {
      out.push(abs); // reported as a failed clip, like analyze does
      continue;
    }
    if (st.isDirectory()) walk(abs);
    else out.push(abs);
  }
  return out;
}

export interface ConnectOptions extends QueueOptionValues {
  'inline-max-mb'?: string;
  attempts?: string;
  'backoff-ms'?: string;
}

export function connectInput(v: ConnectOptions, io: Io): MethodInput<'queue.connect'> {
  const t = redisTarget(v, io);
  return {
    url: t.url,
    password: t.password,
    caFile: t.caFile,
    queue: queueName(v),
    shares: shareOptions(v).map((s) => ({ name: s.name, folder: s.root })),
    inlineMaxBytes: v['inline-max-mb'] === undefined ? undefined : intOption(v['inline-max-mb'], '--inline-max-mb', 32, 0, 512) * 1024 * 1024,
    attempts: v.attempts === undefined ? undefined : intOption(v.attempts, '--attempts', 3, 1, 20),
    backoffMs: v['backoff-ms'] === undefined ? undefined : intOption(v['backoff-ms'], '--backoff-ms', 10_000, 0, 3_600_000),
  };
}

/** Connects, turning an unreachable or refused Redis into a message and exit code 1. */
async function connect(api: ContractClient, input: MethodInput<'queue.connect'>, io: Io): Promise<boolean> {
  try {
    await api.call('queue.connect', input);
    return true;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    io.err(`affect: ${e.message}`);
    return false;
  }
}

export interface SubmitOptions {
  clips: string[];
  participant: string;
  protocol: string;
  wait: boolean;
  /** Seconds between looks at the queue while following. */
  pollMs?: number;
}

export async function batchSubmit(api: ContractClient, connectWith: MethodInput<'queue.connect'>, o: SubmitOptions, io: Io, interrupted: { requested: boolean }): Promise<number> {
  const p = (await api.call('participants.list', {})).find((x) => x.code.toLowerCase() === o.participant.toLowerCase());
  if (!p) {
    io.err(`affect: there is no participant ${o.participant}; add one with its consent first (affect participants add ${o.participant} --consent …)`);
    return EXIT.failed;
  }
  if (!(await connect(api, connectWith, io))) return EXIT.failed;
  let failures = 0;
  /** Job id → the clip it analyses, for the result lines. */
  const mine = new Map<number, { clip: string; sessionId: number }>();
  for (const clip of o.clips) {
    if (interrupted.requested) break;
    const checked = await checkImportable(clip);
    if (!checked.ok) {
      failures++;
      io.out(['failed', clip, '', '', checked.message].join('\t'));
      continue;
    }
    let session;
    try {
      session = await api.call('sessions.create', { participantId: p.id, protocol: o.protocol });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      io.err(`affect: ${e.message}`);
      return EXIT.failed;
    }
    const imported = await importClip(api, session.id, clip);
    if (!imported.ok) {
      failures++;
      io.out(['failed', clip, session.id, '', imported.message].join('\t'));
      continue;
    }
    const r = await api.call('queue.submit', { items: [{ sessionId: session.id, mediaFileId: imported.mediaFileId, sourcePath: clip }] });
    if (r.refused.length) {
      failures++;
      io.out(['failed', clip, session.id, '', r.refused[0].message].join('\t'));
      continue;
    }
    const job = r.jobs[0];
    mine.set(job.id, { clip, sessionId: session.id });
    io.err(`${clip}: session ${session.id}, job ${job.jobId} (${job.via === 'share' ? 'read from the share' : 'sent in the job'})`);
  }
  if (!o.wait || interrupted.requested) {
    for (const [id, m] of mine) io.out(['queued', m.clip, m.sessionId, id, ''].join('\t'));
    if (interrupted.requested) io.err('affect: interrupted; the jobs sent stay in the queue (affect batch status stores their results)');
    return interrupted.requested ? EXIT.interrupted : failures ? EXIT.failed : EXIT.ok;
  }
  const open = new Set(mine.keys());
  let last = '';
  while (open.size && !interrupted.requested) {
    const c = await api.call('queue.collect', {});
    for (const s of c.stored) {
      const m = mine.get(s.id);
      if (!m || !open.delete(s.id)) continue;
      io.out(['ok', m.clip, m.sessionId, s.runId, s.worker].join('\t'));
    }
    for (const f of c.failed) {
      const m = mine.get(f.id);
      if (!m || !open.delete(f.id)) continue;
      failures++;
      io.out(['failed', m.clip, m.sessionId, '', f.error].join('\t'));
    }
    const st = await api.call('queue.status', {});
    for (const j of st.jobs) {
      if (j.state === 'lost' && open.delete(j.id)) {
        failures++;
        io.out(['failed', mine.get(j.id)!.clip, j.sessionId, '', 'the queue no longer knows this job (Redis lost it); submit the clip again'].join('\t'));
      }
    }
    const line = progressLine(st, mine, open);
    if (line !== last) io.err(line);
    last = line;
    if (open.size) await new Promise((r) => setTimeout(r, o.pollMs ?? 2000));
  }
  if (interrupted.requested) {
    io.err('affect: interrupted; the jobs still open stay in the queue (affect batch status stores their results)');
    return EXIT.interrupted;
  }
  return failures ? EXIT.failed : EXIT.ok;
}

function progressLine(st: QueueStatus, mine: Map<number, unknown>, open: Set<number>): string {
  const jobs = st.jobs.filter((j) => mine.has(j.id));
  const n = (s: string) => jobs.filter((j) => j.state === s).length;
  const active = jobs.filter((j) => j.state === 'active').map((j) => `${j.worker ?? '?'} ${j.percent ?? 0}%`);
  const err = st.error ? ` — ${st.error}` : '';
  return `  ${mine.size - open.size}/${mine.size} finished; ${n('waiting') + n('retrying')} waiting, ${active.length} active${active.length ? ` (${active.join(', ')})` : ''}${err}`;
}

export async function batchStatus(api: ContractClient, connectWith: MethodInput<'queue.connect'>, collect: boolean, io: Io): Promise<number> {
  if (!(await connect(api, connectWith, io))) return EXIT.failed;
  if (collect) {
    const c = await api.call('queue.collect', {});
    if (c.stored.length || c.failed.length) io.err(`stored ${c.stored.length} result(s), ${c.failed.length} job(s) failed since the last look`);
  }
  const st = await api.call('queue.status', {});
  if (st.error) io.err(`affect: ${st.error}`);
  const c = st.counts;
  io.out(['counts', `waiting=${c.waiting}`, `active=${c.active}`, `done=${c.done}`, `failed=${c.failed}`, `lost=${c.lost}`].join('\t'));
  for (const w of st.workers) io.out(['worker', w.name, w.online ? 'online' : 'offline', `active=${w.active}`, `done=${w.done}`, `failed=${w.failed}`].join('\t'));
  for (const j of st.jobs) io.out(['job', j.id, j.sessionId, j.state, j.worker ?? '', j.percent === null ? '' : `${j.percent}%`, j.runId ?? '', j.error ?? ''].join('\t'));
  return st.error ? EXIT.failed : EXIT.ok;
}

export async function batchRetry(api: ContractClient, connectWith: MethodInput<'queue.connect'>, ids: number[] | 'failed', io: Io): Promise<number> {
  if (!(await connect(api, connectWith, io))) return EXIT.failed;
  let list = ids;
  if (list === 'failed') list = (await api.call('queue.status', {})).jobs.filter((j) => j.state === 'failed').map((j) => j.id);
  if (!list.length) {
    io.err('affect: no failed jobs to retry');
    return EXIT.ok;
  }
  const r = await api.call('queue.retry', { ids: list });
  for (const j of r.jobs) io.out(['queued', j.id, j.sessionId].join('\t'));
  for (const f of r.refused) io.out(['failed', f.id, '', f.message].join('\t'));
  return r.refused.length ? EXIT.failed : EXIT.ok;
}

export function jobIds(positionals: string[]): number[] {
  return positionals.map((x) => {
    if (!/^[1-9][0-9]*$/.test(x)) throw new UsageError(`"${x}" is not a job number`);
    return Number(x);
  });
}
