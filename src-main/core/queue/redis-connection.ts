/**
 * Where the lab's Redis is and how to log in: a `redis://` or `rediss://` (TLS) URL, a password that never has to
 * be on a command line (AFFECT_REDIS_PASSWORD, or a file only its owner can read), and for a server whose
 * certificate a private lab CA signed, that CA's certificate. What goes into logs and the app is the URL without
 * its password.
 */
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import type { RedisOptions } from 'bullmq';

export interface RedisTarget {
  url: string;
  /** Overrides a password in the URL. */
  password?: string;
  /** PEM file of the CA that signed the server's certificate (rediss:// with a private CA). */
  caFile?: string;
}

export class RedisConfigError extends Error {}

/** The URL with any password replaced by "***", for messages and the app. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(not a Redis URL)';
  }
}

export function urlHasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}

/**
 * Reads a password file: the first line, trimmed. Refused when other users can read it (the same rule as ssh's
 * keys), so a lab password is not left world-readable by accident.
 */
export function readPasswordFile(file: string): string {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new RedisConfigError(`cannot read the password file ${file}`);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) throw new RedisConfigError(`the password file ${file} can be read by other users; chmod 600 it`);
  const line = readFileSync(file, 'utf8').split(/\r?\n/)[0]?.trim() ?? '';
  if (!line) throw new RedisConfigError(`the password file ${file} is empty`);
  return line;
}

/** ioredis options for BullMQ: blocking commands wait as long as they need (BullMQ requires it for workers). */
export function redisOptions(t: RedisTarget): RedisOptions {
  let u: URL;
  try {
    u = new URL(t.url);
  } catch {
    throw new RedisConfigError(`"${redactUrl(t.url)}" is not a Redis URL (use redis://HOST:PORT or rediss://HOST:PORT for TLS)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new RedisConfigError(`the Redis URL must start with redis:// or rediss:// (TLS), not ${u.protocol}//`);
  if (!u.hostname) throw new RedisConfigError('the Redis URL names no host');
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new RedisConfigError(`"${u.pathname.slice(1)}" is not a Redis database number`);
  const tls = u.protocol === 'rediss:';
  if (t.caFile && !tls) throw new RedisConfigError('a CA certificate is only used with a rediss:// (TLS) URL');
  let ca: Buffer | undefined;
  if (t.caFile) {
    try {
      ca = readFileSync(t.caFile);
    } catch {
      throw new RedisConfigError(`cannot read the CA certificate ${t.caFile}`);
    }
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port: u.port ? Number(u.port) : 6379,
    db,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: t.password ?? (u.password ? decodeURIComponent(u.password) : undefined),
    // The server's certificate is always checked (against the system's CAs, or the lab's CA given).
    tls: tls ? { ...(isIP(host) ? {} : { servername: host }), ...(ca ? { ca } : {}) } : undefined,
    maxRetriesPerRequest: null,
    // Reconnect with growing pauses, at most 5 s apart: a worker waits out a Redis restart.
    retryStrategy: (times: number) => Math.min(5000, 200 * times),
  };
}

/**
 * One round trip to the server with a client that gives up at once: a wrong address, password or certificate is
 * an answer in words, not a hang. Resolves when reachable.
 */
export async function probeRedis(t: RedisTarget): Promise<void> {
  const { Redis } = await import('ioredis');
  const probe = new Redis({ ...redisOptions(t), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000, enableOfflineQueue: false });
  // The first error the connection reported says why (e.g. WRONGPASS); the command itself only sees it closed.
  let first: Error | null = null;
  probe.on('error', (e: Error) => (first ??= e));
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    const why = first ?? e;
    throw new RedisConfigError(`cannot reach Redis at ${redactUrl(t.url)}: ${why instanceof Error ? why.message : String(why)}`);
  } finally {
    probe.disconnect();
  }
}
