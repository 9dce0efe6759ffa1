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
import { ApiError, type MessageRef } from '../../../src-shared/errors.js';
import { localizeMessage } from '../../../src-shared/i18n/errors.js';
import type { Locale } from '../../../src-shared/i18n/i18n.js';
import { checkImportable, IMPORT_EXTENSIONS } from '../media/import-media.js';
import { importClip, type Io } from './analyze-command.js';
import { cliMessage, ct, systemLocale } from './cli-language.js';
import { enText } from '../../../src-shared/i18n/errors.js';
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
    io.err(`affect: ${cliMessage(e)}`);
    return false;
  }
}

/** A job's reason (or a refusal) in `locale`: by its catalogue entry, else its English as sent. */
function reasonIn(locale: Locale, english: string | null, ref: MessageRef | null | undefined): string {
  return english === null ? '' : localizeMessage(locale, english, ref ?? undefined);
}

export interface SubmitOptions {
  clips: string[];
  /** The language of the reasons in result lines (--lang; default: the system's). */
  locale?: Locale;
  participant: string;
  protocol: string;
  wait: boolean;
  /** Seconds between looks at the queue while following. */
  pollMs?: number;
}

export async function batchSubmit(api: ContractClient, connectWith: MethodInput<'queue.connect'>, o: SubmitOptions, io: Io, interrupted: { requested: boolean }): Promise<number> {
  const p = (await api.call('participants.list', {})).find((x) => x.code.toLowerCase() === o.participant.toLowerCase());
  if (!p) {
    io.err(`affect: ${ct('cli.noParticipant', { code: o.participant })}`);
    return EXIT.failed;
  }
  if (!(await connect(api, connectWith, io))) return EXIT.failed;
  const locale = o.locale ?? systemLocale();
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
      io.err(`affect: ${cliMessage(e)}`);
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
      io.out(['failed', clip, session.id, '', reasonIn(locale, r.refused[0].message, r.refused[0].i18n)].join('\t'));
      continue;
    }
    const job = r.jobs[0];
    mine.set(job.id, { clip, sessionId: session.id });
    io.err(ct('cli.batchRun.submitted', { clip, id: session.id, jobId: job.jobId, via: ct(job.via === 'share' ? 'cli.batchRun.viaShare' : 'cli.batchRun.viaInline') }));
  }
  if (!o.wait || interrupted.requested) {
    for (const [id, m] of mine) io.out(['queued', m.clip, m.sessionId, id, ''].join('\t'));
    if (interrupted.requested) io.err(`affect: ${ct('cli.batchRun.interruptedSent')}`);
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
      io.out(['failed', m.clip, m.sessionId, '', reasonIn(locale, f.error, f.errorNote)].join('\t'));
    }
    const st = await api.call('queue.status', {});
    for (const j of st.jobs) {
      if (j.state === 'lost' && open.delete(j.id)) {
        failures++;
        io.out(['failed', mine.get(j.id)!.clip, j.sessionId, '', enText('cli.batchRun.jobLost')].join('\t'));
      }
    }
    const line = progressLine(st, mine, open, locale);
    if (line !== last) io.err(line);
    last = line;
    if (open.size) await new Promise((r) => setTimeout(r, o.pollMs ?? 2000));
  }
  if (interrupted.requested) {
    io.err(`affect: ${ct('cli.batchRun.interruptedOpen')}`);
    return EXIT.interrupted;
  }
  return failures ? EXIT.failed : EXIT.ok;
}

function progressLine(st: QueueStatus, mine: Map<number, unknown>, open: Set<number>, locale: Locale): string {
  const jobs = st.jobs.filter((j) => mine.has(j.id));
  const n = (s: string) => jobs.filter((j) => j.state === s).length;
  const active = jobs.filter((j) => j.state === 'active').map((j) => `${j.worker ?? '?'} ${j.percent ?? 0}%`);
  const error = st.error ? ct('cli.batchRun.error', { error: reasonIn(locale, st.error, st.errorNote) }) : '';
  const detail = active.length ? ct('cli.batchRun.activeList', { list: active.join(', ') }) : '';
  return ct('cli.batchRun.progress', { finished: mine.size - open.size, total: mine.size, waiting: n('waiting') + n('retrying'), active: active.length, detail, error });
}

/** `locale`: the language of the reasons (--lang; default: the system's). */
export async function batchStatus(api: ContractClient, connectWith: MethodInput<'queue.connect'>, collect: boolean, io: Io, locale: Locale = systemLocale()): Promise<number> {
  if (!(await connect(api, connectWith, io))) return EXIT.failed;
  if (collect) {
    const c = await api.call('queue.collect', {});
    if (c.stored.length || c.failed.length) io.err(ct('cli.batchRun.collected', { stored: c.stored.length, failed: c.failed.length }));
  }
  const st = await api.call('queue.status', {});
  if (st.error) io.err(`affect: ${reasonIn(locale, st.error, st.errorNote)}`);
  const c = st.counts;
  io.out(['counts', `waiting=${c.waiting}`, `active=${c.active}`, `done=${c.done}`, `failed=${c.failed}`, `lost=${c.lost}`].join('\t'));
  for (const w of st.workers) io.out(['worker', w.name, w.online ? 'online' : 'offline', `active=${w.active}`, `done=${w.done}`, `failed=${w.failed}`].join('\t'));
  for (const j of st.jobs) io.out(['job', j.id, j.sessionId, j.state, j.worker ?? '', j.percent === null ? '' : `${j.percent}%`, j.runId ?? '', reasonIn(locale, j.error, j.errorNote)].join('\t'));
  return st.error ? EXIT.failed : EXIT.ok;
}

export async function batchRetry(api: ContractClient, connectWith: MethodInput<'queue.connect'>, ids: number[] | 'failed', io: Io, locale: Locale = systemLocale()): Promise<number> {
  if (!(await connect(api, connectWith, io))) return EXIT.failed;
  let list = ids;
  if (list === 'failed') list = (await api.call('queue.status', {})).jobs.filter((j) => j.state === 'failed').map((j) => j.id);
  if (!list.length) {
    io.err(`affect: ${ct('cli.batchRun.nothingToRetry')}`);
    return EXIT.ok;
  }
  const r = await api.call('queue.retry', { ids: list });
  for (const j of r.jobs) io.out(['queued', j.id, j.sessionId].join('\t'));
  for (const f of r.refused) io.out(['failed', f.id, '', reasonIn(locale, f.message, f.i18n)].join('\t'));
  return r.refused.length ? EXIT.failed : EXIT.ok;
}

export function jobIds(positionals: string[]): number[] {
  return positionals.map((x) => {
    if (!/^[1-9][0-9]*$/.test(x)) throw new UsageError(ct('cli.batchRun.notAJobNumber', { value: x }));
    return Number(x);
  });
}
