/**
 * `affect worker --redis URL [--concurrency N] [--provider P] [--share NAME=FOLDER]…`: analyses jobs from the lab
 * queue until stopped. Ctrl-C or SIGTERM puts the jobs in progress back into the queue for another worker and
 * exits 0; a second signal exits at once (the queue then recovers those jobs when their lock runs out).
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ProviderPreference } from '../inference/providers.js';
import { LabWorker } from '../queue/lab-worker.js';
import { probeRedis, RedisConfigError, redactUrl } from '../queue/redis-connection.js';
import { QUEUE_NAME } from '../queue/job.js';
import type { Io } from './analyze-command.js';
import { ct } from './cli-language.js';
import { EXIT, UsageError } from './exit-codes.js';
import { intOption, QUEUE_OPTIONS, queueName, redisTarget, shareOptions } from './queue-options.js';

export async function workerCommand(args: string[], io: Io, providers: readonly string[], parse: <T>(f: () => T) => T): Promise<number> {
  const { values, positionals } = parse(() =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...QUEUE_OPTIONS, concurrency: { type: 'string' }, provider: { type: 'string' }, name: { type: 'string' }, scratch: { type: 'string' }, 'lock-ms': { type: 'string' } },
    }),
  );
  if (positionals.length) throw new UsageError(ct('cli.workerNoArgs', { args: positionals.join(' ') }));
  const target = redisTarget(values, io);
  const concurrency = intOption(values.concurrency, '--concurrency', 1, 1, 64);
  const provider = values.provider ?? 'auto';
  if (!providers.includes(provider)) throw new UsageError(ct('cli.providerOneOf', { list: providers.join(', ') }));
  const lockMs = intOption(values['lock-ms'], '--lock-ms', 30_000, 1000, 3_600_000);
  if (values.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$/.test(values.name)) throw new UsageError(ct('cli.workerName'));
  const shares = shareOptions(values);
  const queue = queueName(values) ?? QUEUE_NAME;
  const scratchRoot = path.resolve(values.scratch ?? os.tmpdir());
  // Slots share the machine's cores: each slot's ONNX Runtime gets its part (unless AFFECT_ORT_THREADS says).
  process.env.AFFECT_ORT_THREADS ??= String(Math.max(1, Math.floor((os.availableParallelism() - 1) / concurrency)));
  try {
    await probeRedis(target);
  } catch (e) {
    if (e instanceof RedisConfigError) {
      io.err(`affect: ${e.message}`);
      return EXIT.failed;
    }
    throw e;
  }
  const worker = await LabWorker.start({
    redis: target,
    queue,
    concurrency,
    provider: provider as ProviderPreference,
    shares,
    scratchRoot,
    name: values.name,
    lockMs,
    log: (l) => io.err(`${new Date().toISOString()} ${l}`),
  });
  io.err(
    `affect worker ${worker.name}: taking jobs from "${queue}" at ${redactUrl(target.url)} (${concurrency} at a time, provider ${provider}` +
      `${shares.length ? `, shares ${shares.map((s) => s.name).join(', ')}` : ''}); Ctrl-C stops`,
  );
  io.out(`ready\t${worker.name}`);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (): void => {
      signals++;
      if (signals > 1) process.exit(EXIT.interrupted);
      io.err('affect worker: stopping; jobs in progress go back to the queue');
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await worker.stop();
  return EXIT.ok;
}
