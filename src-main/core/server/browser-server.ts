import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { AppCore } from '../app-core.js';
import { type AppEndpoint, endpointOf } from '../app-endpoint.js';
import { handleHttp, type HttpContext, LAUNCH_PATH } from './http-routes.js';
import { serveRpcSocket } from './rpc-socket.js';
import { checkRequest, LaunchCredentials } from './security.js';

export interface BrowserServer {
  /** http://127.0.0.1:PORT, without any credential. */
  origin: string;
  port: number;
  /** A new one-time launch address (valid for ttlMs, default 2 min): opening it signs that browser in. */
  newLaunchUrl(ttlMs?: number): string;
  close(): Promise<void>;
}

export interface BrowserServerOptions {
  /** The application: its host (locking, vault requests) or, in tests, a bare core. */
  core: AppCore | AppEndpoint;
  rendererDir: string;
  port?: number;
  log?: (msg: string) => void;
  /** Called whenever a launch code has been exchanged for a session cookie. */
  onLaunchCodeUsed?: () => void;
}

/**
 * The largest WebSocket message ws accepts before it drops the client: above the contract's largest bodies
 * (16 MiB recording/import chunks; four live frames of at most 480 × 4096 px) plus the frame header.
 */
export const MAX_WS_PAYLOAD = 32 * 1024 * 1024;

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** The WebSocket endpoint /rpc: admitted like any request, then served by rpc-socket.ts. */
function attachRpc(server: Server, core: AppEndpoint, state: { port: number; creds: LaunchCredentials | null }, log: (msg: string) => void): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD });
  wss.on('error', (e) => log(`WebSocket server error: ${e.message}`));
  wss.on('wsClientError', (e, socket) => {
    log(`WebSocket handshake refused: ${e.message}`);
    socket.destroy();
  });
  wss.on('connection', (ws) => serveRpcSocket(core, ws, log));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Until ws takes the socket over, its errors (a reset mid-handshake) are ours to absorb.
    socket.on('error', () => socket.destroy());
    const verdict = checkRequest(req, state.port, state.creds!, { requireOrigin: true });
    if (!verdict.ok) return refuseUpgrade(socket, verdict.status, 'Forbidden');
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/rpc') return refuseUpgrade(socket, 404, 'Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  return wss;
}

/**
 * Browser mode: the same application served on 127.0.0.1 only. HTTP serves the built renderer and session
 * media; a WebSocket at /rpc carries the contract. Admission: a one-time launch code, exchanged once for an
 * HttpOnly cookie of this launch, plus Host, Origin and fetch-metadata checks (security.ts). No error a
 * client can cause (bad HTTP, bad WebSocket frames, dropped connections) reaches the process.
 */
export async function startBrowserServer(opts: BrowserServerOptions): Promise<BrowserServer> {
  const log = opts.log ?? (() => {});
  const state: { port: number; creds: LaunchCredentials | null } = { port: 0, creds: null };
  const app = endpointOf(opts.core);
  const ctx = (): HttpContext => ({
    core: app,
    rendererDir: path.resolve(opts.rendererDir),
    creds: state.creds!,
    port: () => state.port,
    onLaunchCodeUsed: opts.onLaunchCodeUsed,
  });

  const server = createServer((req, res) => {
    try {
      handleHttp(ctx(), req, res);
    } catch (e) {
      log(`HTTP error: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal error');
    }
  });
  server.on('clientError', (_e, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = attachRpc(server, app, state, log);
  state.port = await listen(server, opts.port ?? 0);
  state.creds = new LaunchCredentials(state.port);
  server.on('error', (e) => log(`Server error: ${e.message}`));
  const origin = `http://127.0.0.1:${state.port}`;
  return {
    origin,
    port: state.port,
    newLaunchUrl: (ttlMs) => `${origin}${LAUNCH_PATH}?code=${state.creds!.issueCode(ttlMs)}`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
