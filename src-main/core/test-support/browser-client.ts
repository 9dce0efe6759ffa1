/**
 * Test helpers that talk to a browser-mode server the way a browser (or an attacker's script) would: plain
 * HTTP, the launch-code exchange, WebSocket clients, and raw bytes on a WebSocket after the handshake.
 */
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';
import { decodeFrame, encodeFrame, type ServerMessage } from '../../../src-shared/wire.js';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function httpGet(port: number, pathAndQuery: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathAndQuery, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/** Opens a launch address as a browser's address bar would; returns the "name=value" cookie it got. */
export async function signIn(launchUrl: string): Promise<string> {
  const u = new URL(launchUrl);
  const r = await httpGet(Number(u.port), `${u.pathname}${u.search}`, { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' });
  const set = r.headers['set-cookie']?.[0];
  if (!set) throw new Error(`No cookie from ${u.pathname} (status ${r.status}: ${r.body})`);
  return set.split(';')[0];
}

export function connectWs(port: number, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc`, { headers });
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

/** Sends one request and waits for its reply; rejects when the socket closes first. */
export function rpc(ws: WebSocket, id: number, method: string, input: unknown, timeoutMs = 30_000): Promise<ServerMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`No reply to ${method} within ${timeoutMs} ms`)), timeoutMs);
    const onMsg = (data: Buffer) => {
      const msg = decodeFrame(new Uint8Array(data)) as ServerMessage;
      if (msg.type === 'res' && msg.id === id) done(null, msg);
    };
    const onClose = () => done(new Error('socket closed'));
    function done(e: Error | null, msg?: ServerMessage) {
      clearTimeout(timer);
      ws.off('message', onMsg);
      ws.off('close', onClose);
      if (e) reject(e);
      else resolve(msg!);
    }
    ws.on('message', onMsg);
    ws.on('close', onClose);
    ws.send(encodeFrame({ type: 'req', id, method, input }));
  });
}

/** A TCP connection that has completed the WebSocket handshake; further bytes are written as they are. */
export function rawWebSocket(port: number, cookie: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let head = '';
    socket.on('error', reject);
    socket.on('connect', () => {
      socket.write(
        [
          'GET /rpc HTTP/1.1',
          `Host: 127.0.0.1:${port}`,
          `Origin: http://127.0.0.1:${port}`,
          `Cookie: ${cookie}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Version: 13',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          '',
          '',
        ].join('\r\n'),
      );
    });
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) resolve(socket);
      else reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
  });
}

/** A client frame: FIN + opcode, masked unless told otherwise, with the given first-byte bits. */
export function clientFrame(opcode: number, payload: Uint8Array, opts: { mask?: boolean; rsv?: number; length?: number } = {}): Buffer {
  const mask = opts.mask ?? true;
  const len = opts.length ?? payload.byteLength;
  const header: number[] = [0x80 | ((opts.rsv ?? 0) << 4) | opcode];
  const m = mask ? 0x80 : 0;
  if (len < 126) header.push(m | len);
  else if (len < 65536) header.push(m | 126, len >> 8, len & 0xff);
  else {
    header.push(m | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(len));
    header.push(...big);
  }
  const key = [0x12, 0x34, 0x56, 0x78];
  const body = Buffer.from(payload);
  if (mask) for (let i = 0; i < body.length; i++) body[i] ^= key[i % 4];
  return Buffer.concat([Buffer.from(header), mask ? Buffer.from(key) : Buffer.alloc(0), body]);
}
