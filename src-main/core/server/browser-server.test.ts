import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeFrame, encodeFrame, type ServerMessage } from '../../../src-shared/wire.js';
import { type AppCore, createCore } from '../app-core.js';
import { tempDir } from '../test-support/make-media.js';
import { type BrowserServer, startBrowserServer } from './browser-server.js';

let core: AppCore;
let server: BrowserServer;

beforeEach(async () => {
  const rendererDir = tempDir();
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Affect Studio</title>');
  mkdirSync(path.join(rendererDir, 'assets'));
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  core = await createCore({ dataDir: tempDir() });
  server = await startBrowserServer({ core, rendererDir });
});
afterEach(async () => {
  await server.close();
  await core.close();
});

function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path: pathAndQuery, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

function connect(query: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc${query}`, { headers });
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

function request(ws: WebSocket, id: number, method: string, input: unknown): Promise<ServerMessage> {
  return new Promise((resolve) => {
    ws.on('message', function onMsg(data: Buffer) {
      const msg = decodeFrame(new Uint8Array(data)) as ServerMessage;
      if (msg.type === 'res' && msg.id === id) {
        ws.off('message', onMsg);
        resolve(msg);
      }
    });
    ws.send(encodeFrame({ type: 'req', id, method, input }));
  });
}

describe('browser-mode server security', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(server.url.startsWith(`http://127.0.0.1:${server.port}/`)).toBe(true);
  });

  it('serves the app only with the launch token, then by cookie', async () => {
    expect((await get('/')).status).toBe(403);
    expect((await get('/?token=wrong')).status).toBe(403);
    const first = await get(`/?token=${server.token}`);
    expect(first.status).toBe(200);
    expect(first.body).toContain('Affect Studio');
    expect(first.headers['content-security-policy']).toContain("default-src 'self'");
    const cookie = String(first.headers['set-cookie']).split(';')[0];
    expect((await get('/assets/app.js', { cookie })).status).toBe(200);
    expect((await get('/assets/app.js')).status).toBe(403);
  });

  it('refuses foreign Host headers (DNS rebinding) even with the token', async () => {
    expect((await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(`/?token=${server.token}`, { host: 'localhost:1' })).status).toBe(403);
  });

  it('refuses cross-site requests: a foreign Origin is rejected on HTTP and WebSocket', async () => {
    expect((await get(`/?token=${server.token}`, { origin: 'https://evil.example' })).status).toBe(403);
    const origin = `http://127.0.0.1:${server.port}`;
    await expect(connect(`?token=${server.token}`, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await expect(connect(`?token=${server.token}`, {})).rejects.toThrow(/403/);
    await expect(connect('?token=nope', { origin })).rejects.toThrow(/403/);
  });

  it('does not serve files outside the renderer or media the database does not list', async () => {
    const cookie = `affect_token=${server.token}`;
    expect((await get('/../../etc/passwd', { cookie })).body).not.toContain('root:');
    expect((await get('/assets/..%2f..%2f..%2fetc%2fpasswd', { cookie })).status).toBe(404);
    expect((await get('/media/1/recording.webm', { cookie })).status).toBe(404);
  });

  it('carries the contract over the WebSocket, binary chunks included, and answers bad frames with errors', async () => {
    const ws = await connect(`?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` });
    // Who is using this window comes first (issue 17): a profile, then the participant with its consent.
    expect(await request(ws, 11, 'operators.create', { displayName: 'RN Test', role: 'clinician' })).toMatchObject({ result: { ok: true, value: { id: 1 } } });
    expect(await request(ws, 12, 'operators.select', { id: 1 })).toMatchObject({ result: { ok: true } });
    const consent = { scopes: { video: true, audio: true, analysis: true, research: true }, takenOn: '2026-01-01' };
    const created = await request(ws, 1, 'participants.create', { code: 'P01', consent });
    expect(created).toMatchObject({ type: 'res', id: 1, result: { ok: true, value: { code: 'P01' } } });
    const bad = await request(ws, 2, 'participants.create', { code: '' });
    expect(bad).toMatchObject({ result: { ok: false, error: { code: 'invalid_input' } } });
    const session = await request(ws, 3, 'sessions.create', { participantId: 1, protocol: 'p' });
    expect(session).toMatchObject({ result: { ok: true } });
    await request(ws, 4, 'recording.start', { sessionId: 1, mimeType: 'video/webm;codecs=vp8,opus' });
    const chunk = await request(ws, 5, 'recording.chunk', { sessionId: 1, seq: 0, data: new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3]) });
    expect(chunk).toMatchObject({ result: { ok: true, value: { bytesWritten: 7, chunks: 1 } } });
    // Garbage bytes and text frames get an error reply; the server keeps serving.
    const garbage = new Promise<ServerMessage>((resolve) => ws.once('message', (d: Buffer) => resolve(decodeFrame(new Uint8Array(d)) as ServerMessage)));
    ws.send(Buffer.from([1, 2, 3]));
    expect(await garbage).toMatchObject({ type: 'res', result: { ok: false, error: { code: 'invalid_input' } } });
    expect(await request(ws, 6, 'participants.list', {})).toMatchObject({ result: { ok: true } });
    ws.close();
  });
});

describe('byte ranges for seeking in recordings', () => {
  it('reads the ranges <video> sends and refuses ones outside the file', async () => {
    const { byteRange } = await import('./static-files.js');
    expect(byteRange('bytes=0-', 1000)).toEqual({ start: 0, end: 999 });
    expect(byteRange('bytes=100-199', 1000)).toEqual({ start: 100, end: 199 });
    expect(byteRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 });
    expect(byteRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(byteRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(byteRange('bytes=5-2', 1000)).toBe('unsatisfiable');
    expect(byteRange(undefined, 1000)).toBeNull();
    expect(byteRange('bytes=0-1,5-6', 1000)).toBeNull();
  });
});
