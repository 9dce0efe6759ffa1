/**
 * A real redis-server for tests (Debian's `redis-server`; .ci/run installs it): started on a free loopback port
 * with a password, no persistence and a private working folder, stopped by the test (and killed by the kernel
 * if the test's process dies first). Returns a skip reason when the binary is missing, so a workstation without
 * Redis skips instead of failing; CI (AFFECT_REQUIRE_REDIS=1, set by .ci/run) fails instead of skipping.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { tempDir } from './make-media.js';
import { spawnTied, stopChild } from './tied-process.js';

export interface TestRedis {
  host: string;
  port: number;
  password: string;
  /** redis://127.0.0.1:PORT, rediss:// with TLS (no password: it goes in separately, as the commands take it). */
  url: string;
  stop(): Promise<void>;
}

/** A port nothing listens on now (the kernel's choice); the server binds it a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function redisServerMissing(): string | null {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.status === 0) return null;
  const why = 'redis-server is not installed (Debian: apt-get install redis-server)';
  if (process.env.AFFECT_REQUIRE_REDIS === '1') throw new Error(`${why}; the lab-worker tests need it (AFFECT_REQUIRE_REDIS=1)`);
  return why;
}

/**
 * A throw-away CA and a server certificate for 127.0.0.1 signed by it (openssl), for a TLS test: the files' paths.
 */
export function testCertificates(): { ca: string; cert: string; key: string } {
  const dir = tempDir('affect-tls-');
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=Affect Studio test CA']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'ext.cnf']);
  return { ca: path.join(dir, 'ca.crt'), cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key') };
}

/** Starts redis-server (with `tls`: TLS only, on the port); `extra` are more config directives, one per line. */
export async function startRedis(opts: { password?: string; extra?: string[]; tls?: { ca: string; cert: string; key: string } } = {}): Promise<TestRedis> {
  const password = opts.password ?? `test-${Math.random().toString(36).slice(2)}`;
  const dir = tempDir('affect-redis-');
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const listen = opts.tls
      ? ['port 0', `tls-port ${port}`, `tls-cert-file ${opts.tls.cert}`, `tls-key-file ${opts.tls.key}`, `tls-ca-cert-file ${opts.tls.ca}`, 'tls-auth-clients no']
      : [`port ${port}`];
    const config = ['bind 127.0.0.1', ...listen, 'save ""', 'appendonly no', `dir ${dir}`, `requirepass ${password}`, ...(opts.extra ?? [])];
    // The configuration (with the password) goes in on stdin, as a file would: never on the command line.
    const child = spawnTied('redis-server', ['-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin?.end(config.join('\n') + '\n');
    const ready = await waitReady(child);
    if (ready === true) {
      const stop = async (): Promise<void> => {
        await stopChild(child, 10_000);
        rmSync(dir, { recursive: true, force: true });
      };
      return { host: '127.0.0.1', port, password, url: `${opts.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`, stop };
    }
    // Another process took the port between choosing and binding: try another one.
    if (attempt >= 3 || !/Address already in use/i.test(ready)) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start: ${ready}`);
    }
  }
}

function waitReady(child: ChildProcess): Promise<true | string> {
  return new Promise((resolve) => {
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(`no "Ready to accept connections" within 15 s:\n${log}`);
    }, 15_000);
    const onData = (b: Buffer): void => {
      log += b.toString();
      if (/Ready to accept connections/.test(log)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`exited with ${code}:\n${log}`);
    });
  });
}
