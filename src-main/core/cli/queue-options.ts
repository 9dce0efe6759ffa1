/**
 * The lab-queue options `affect worker` and `affect batch` share: where Redis is and how to log in, which queue,
 * which shares. The password never has to be on the command line (where other users of the machine can read
 * it): AFFECT_REDIS_PASSWORD or --redis-password-file FILE.
 */
import path from 'node:path';
import type { Io } from './analyze-command.js';
import { ct } from './cli-language.js';
import { UsageError } from './exit-codes.js';
import { type RedisTarget, readPasswordFile, RedisConfigError, redisOptions, urlHasPassword } from '../queue/redis-connection.js';
import { parseShares, type Share, ShareError } from '../queue/shares.js';

export const QUEUE_OPTIONS = {
  redis: { type: 'string' },
  'redis-password-file': { type: 'string' },
  'redis-ca': { type: 'string' },
  queue: { type: 'string' },
  share: { type: 'string', multiple: true },
} as const;

export interface QueueOptionValues {
  redis?: string;
  'redis-password-file'?: string;
  'redis-ca'?: string;
  queue?: string;
  share?: string[];
}

export function redisTarget(v: QueueOptionValues, io: Io, env: NodeJS.ProcessEnv = process.env): RedisTarget {
  const url = v.redis ?? env.AFFECT_REDIS_URL;
  if (!url) throw new UsageError(ct('cli.needsRedis'));
  if (v.redis !== undefined && urlHasPassword(v.redis)) {
    io.err(`affect: ${ct('cli.warning', { message: ct('cli.passwordInUrl') })}`);
  }
  let password: string | undefined;
  try {
    if (v['redis-password-file'] !== undefined) password = readPasswordFile(v['redis-password-file']);
    else if (env.AFFECT_REDIS_PASSWORD) password = env.AFFECT_REDIS_PASSWORD;
    const t: RedisTarget = { url, password, caFile: v['redis-ca'] === undefined ? undefined : path.resolve(v['redis-ca']) };
    redisOptions(t); // checks the URL and the CA file now, as a usage error
    return t;
  } catch (e) {
    if (e instanceof RedisConfigError) throw new UsageError(e.message);
    throw e;
  }
}

export function shareOptions(v: QueueOptionValues): Share[] {
  try {
    return parseShares(v.share ?? []);
  } catch (e) {
    if (e instanceof ShareError) throw new UsageError(e.message);
    throw e;
  }
}

export function queueName(v: QueueOptionValues): string | undefined {
  if (v.queue !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(v.queue)) throw new UsageError('--queue: letters, digits, dot, dash or underscore');
  return v.queue;
}

/** A positive whole number option, or its default. */
export function intOption(value: string | undefined, name: string, def: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return def;
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`${name} takes a whole number from ${min} to ${max}`);
  return Number(value);
}
