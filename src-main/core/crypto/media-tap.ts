/**
 * How ffmpeg and ffprobe read an encrypted media file without a clear copy on disk: a loopback HTTP server
 * that decrypts byte ranges on request (ffmpeg's http protocol seeks with Range requests, which MP4 files
 * with their index at the end need). Each file gets a random address while it is being read.
 *
 * Other programs on the machine can reach a loopback port, and other users can read a process's command
 * line, so the address alone opens nothing: ffmpeg is told to use the server as its HTTP proxy through the
 * `http_proxy` environment variable, with a random password in it, and the server answers only requests that
 * carry that password. A process's environment is readable only by its own user.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { byteRange } from '../media/byte-range.js';

export interface RangeSource {
  readonly size: number;
  range(start: number, end: number): AsyncIterable<Buffer>;
  close(): Promise<void>;
}

/** What to give ffmpeg: an input address and the environment that lets it through. */
export interface TapInput {
  url: string;
  env: NodeJS.ProcessEnv;
  /** For ffmpeg's -protocol_whitelist. */
  protocols: string;
  release(): Promise<void>;
}

const TAP_HOST = 'affect-media.invalid';

export class MediaTap {
  private server: Server | null = null;
  private starting: Promise<number> | null = null;
  private readonly sources = new Map<string, RangeSource>();
  private readonly sockets = new Set<Socket>();
  private readonly user = 'affect';
  private readonly password = randomBytes(24).toString('base64url');
  private readonly expected = Buffer.from(`Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`);

  private start(): Promise<number> {
    this.starting ??= new Promise((resolve, reject) => {
      const server = createServer((req, res) => this.handle(req, res));
      server.on('connection', (s) => {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
      });
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        this.server = server;
        resolve((server.address() as AddressInfo).port);
      });
    });
    return this.starting;
  }

  /** Makes `source` readable by one ffmpeg run until release() (which also closes the source). */
  async register(source: RangeSource): Promise<TapInput> {
    const port = await this.start();
    const token = randomBytes(16).toString('hex');
    this.sources.set(token, source);
    const env: NodeJS.ProcessEnv = { ...process.env, http_proxy: `http://${this.user}:${this.password}@127.0.0.1:${port}/`, no_proxy: '' };
    delete env.HTTP_PROXY;
    delete env.NO_PROXY;
    return {
      url: `http://${TAP_HOST}/${token}`,
      env,
      protocols: 'http,tcp',
      release: async () => {
        if (this.sources.delete(token)) await source.close();
      },
    };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const auth = Buffer.from(req.headers['proxy-authorization'] ?? '');
    if (auth.length !== this.expected.length || !timingSafeEqual(auth, this.expected)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="affect-media"', 'content-length': '0', connection: 'close' }).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-length': '0' }).end();
      return;
    }
    let token = '';
    try {
      token = new URL(req.url ?? '/', `http://${TAP_HOST}`).pathname.slice(1);
    } catch {
      /* not found below */
    }
    const source = this.sources.get(token);
    if (!source) {
      res.writeHead(404, { 'content-length': '0' }).end();
      return;
    }
    const { size } = source;
    const range = byteRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { 'content-range': `bytes */${size}`, 'content-length': '0' }).end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const headers: Record<string, string> = { 'accept-ranges': 'bytes', 'content-length': String(size === 0 ? 0 : end - start + 1), 'content-type': 'application/octet-stream' };
    if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === 'HEAD' || size === 0) return void res.end();
    const body = Readable.from(source.range(start, end));
    // ffmpeg drops a connection when it seeks: stop decrypting then.
    res.on('close', () => body.destroy());
    body.on('error', () => res.destroy());
    body.pipe(res);
  }

  /** Stops serving and closes every registered source (the folder is locking). */
  async close(): Promise<void> {
    const sources = [...this.sources.values()];
    this.sources.clear();
    for (const s of this.sockets) s.destroy();
    await Promise.all(sources.map((s) => s.close().catch(() => undefined)));
    const server = this.server;
    this.server = null;
    this.starting = null;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
