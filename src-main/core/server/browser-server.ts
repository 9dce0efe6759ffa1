import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeFrame, encodeFrame, type ServerMessage } from '../../../src-shared/wire.js';
import type { AppCore } from '../app-core.js';
import { sessionMediaPath } from '../recording/session-folder.js';
import { checkRequest, contentSecurityPolicy, newToken, TOKEN_COOKIE } from './security.js';
import { resolveInside, sendFile } from './static-files.js';

export interface BrowserServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export interface BrowserServerOptions {
  core: AppCore;
  rendererDir: string;
  port?: number;
  token?: string;
  log?: (msg: string) => void;
}

/**
 * Browser mode: the same application served on 127.0.0.1 only. HTTP serves the built renderer and session
 * media; a WebSocket at /rpc carries the contract. Every request must present the per-launch token and come
 * with an allowed Host (and Origin, for the WebSocket and any non-GET).
 */
export async function startBrowserServer(opts: BrowserServerOptions): Promise<BrowserServer> {
  const token = opts.token ?? newToken();
  const rendererDir = path.resolve(opts.rendererDir);
  const { core } = opts;
  let port = 0;

  const server = createServer((req, res) => {
    try {
      handleHttp(req, res);
    } catch (e) {
      opts.log?.(`HTTP error: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal error');
    }
  });

  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    const unsafeMethod = req.method !== 'GET' && req.method !== 'HEAD';
    const verdict = checkRequest(req, port, token, { requireOrigin: unsafeMethod });
    if (!verdict.ok) {
      res.writeHead(verdict.status, { 'content-type': 'text/plain' }).end(verdict.reason);
      return;
    }
    if (unsafeMethod) {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('Method not allowed');
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    // The cookie lets the page's own sub-resources (scripts, media) carry the token without it in every URL.
    const cookie = verdict.via === 'query' ? { 'set-cookie': `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict` } : undefined;
    const media = /^\/media\/(\d+)\/([^/]+)$/.exec(url.pathname);
    if (media) {
      const sessionId = Number(media[1]);
      const fileName = decodeURIComponent(media[2]);
      const file = sessionMediaPath(core.services.sessions, core.services.dataDir, sessionId, fileName);
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('No such media');
        return;
      }
      sendFile(req, res, file, { 'cache-control': 'no-store', ...cookie });
      return;
    }
    const isAsset = url.pathname !== '/' && !url.pathname.endsWith('.html') && path.extname(url.pathname) !== '';
    const file = isAsset ? resolveInside(rendererDir, url.pathname) : path.join(rendererDir, 'index.html');
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    sendFile(req, res, file, {
      'content-security-policy': contentSecurityPolicy(port),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'permissions-policy': 'camera=(self), microphone=(self)',
      ...cookie,
    });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const verdict = checkRequest(req, port, token, { requireOrigin: true });
    const url = new URL(req.url ?? '/', 'http://x');
    if (!verdict.ok || url.pathname !== '/rpc') {
      socket.end(`HTTP/1.1 ${verdict.ok ? 404 : verdict.status} ${verdict.ok ? 'Not Found' : 'Forbidden'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });

  function onConnection(ws: WebSocket): void {
    const clientId = `ws-${randomUUID()}`;
    const send = (m: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeFrame(m));
    };
    const unsubscribe = core.services.events.subscribe((name, payload) => send({ type: 'evt', name, payload }));
    ws.on('message', (data, isBinary) => {
      let id = -1;
      void (async () => {
        try {
          if (!isBinary) throw new Error('Text frames are not part of the protocol');
          const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
          const msg = decodeFrame(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)) as { type?: unknown; id?: unknown; method?: unknown; input?: unknown };
          if (msg?.type !== 'req' || typeof msg.id !== 'number') throw new Error('Not a request message');
          id = msg.id;
          send({ type: 'res', id, result: await core.handle(msg.method, msg.input, { clientId }) });
        } catch (e) {
          send({ type: 'res', id, result: { ok: false, error: { code: 'invalid_input', message: (e as Error).message } } });
        }
      })();
    });
    ws.on('close', () => {
      unsubscribe();
      void core.clientGone(clientId, 'The window was closed or reloaded while recording; everything written before that was kept');
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  return {
    url,
    port,
    token,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
