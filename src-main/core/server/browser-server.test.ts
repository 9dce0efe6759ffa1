import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { decodeFrame, type ServerMessage } from '../../../src-shared/wire.js';
import { type AppCore, createCore } from '../app-core.js';
import { clientFrame, connectWs, httpGet, rawWebSocket, rpc, signIn } from '../test-support/browser-client.js';
import { tempDir } from '../test-support/make-media.js';
import { type BrowserServer, startBrowserServer } from './browser-server.js';
import { LaunchCredentials } from './security.js';

let core: AppCore;
let server: BrowserServer;
let cookie: string;
const sockets: WebSocket[] = [];

beforeEach(async () => {
  const rendererDir = tempDir();
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Affect Studio</title>');
  mkdirSync(path.join(rendererDir, 'assets'));
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  core = await createCore({ dataDir: tempDir() });
  server = await startBrowserServer({ core, rendererDir });
  cookie = await signIn(server.newLaunchUrl());
});
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await server.close();
  await core.close();
});

const get = (p: string, headers: Record<string, string> = {}) => httpGet(server.port, p, headers);
const origin = () => `http://127.0.0.1:${server.port}`;
async function open(headers: Record<string, string> = { origin: origin(), cookie }): Promise<WebSocket> {
  const ws = await connectWs(server.port, headers);
  sockets.push(ws);
  return ws;
}
const launchPath = () => {
  const u = new URL(server.newLaunchUrl());
  return `${u.pathname}${u.search}`;
};

/** A session with one listed media file (written or not), like a finished recording. */
function sessionWithMedia(fileName = 'recording.webm'): { id: number; folder: string } {
  const { participants, sessions, dataDir } = core.services;
  const p = participants.create('P01');
  const s = sessions.create({ participantId: p.id, protocol: 'p', operatorId: null, note: '' });
  sessions.addMedia({ sessionId: s.id, kind: 'recording', fileName, mimeType: 'video/webm', bytes: 4, durationMs: 1000, hasVideo: true, hasAudio: false });
  const folder = path.join(dataDir, 'sessions', String(s.id));
  mkdirSync(folder, { recursive: true });
  return { id: s.id, folder };
}

describe('browser-mode admission', () => {
  it('listens on 127.0.0.1 only and puts no credential in its address', () => {
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('exchanges a launch code once for an HttpOnly cookie named for this launch and port', async () => {
    const p = launchPath();
    const first = await get(p, { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const set = String(first.headers['set-cookie']);
    expect(set).toMatch(new RegExp(`^affect_${server.port}_\\w+=`));
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    // The same code again, without the cookie: refused, and no new cookie.
    const again = await get(p, { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' });
    expect(again.status).toBe(403);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.body).toMatch(/already been used or has expired/);
    expect((await get('/launch?code=guess')).status).toBe(403);
  });

  it('opened from the launch file (a cross-site file:// page) it moves on to the app by itself', async () => {
    const r = await get(launchPath(), { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' });
    expect(r.status).toBe(200);
    expect(r.body).toContain('http-equiv="refresh" content="0;url=/"');
    expect(String(r.headers['set-cookie'])).toContain('HttpOnly');
  });

  it('refuses launch codes that are fetched rather than opened, and codes past their time', async () => {
    expect((await get(launchPath(), { 'sec-fetch-mode': 'no-cors' })).status).toBe(403);
    let t = 0;
    const creds = new LaunchCredentials(1234, () => t);
    const code = creds.issueCode(1000);
    t = 1001;
    expect(creds.redeem(code)).toBe(false);
    const fresh = creds.issueCode(1000);
    expect(creds.redeem(fresh)).toBe(true);
    expect(creds.redeem(fresh)).toBe(false);
  });

  it('serves the app only with the session cookie; the old ?token= address is not a credential', async () => {
    expect((await get('/')).status).toBe(403);
    expect((await get(`/?token=${cookie.split('=')[1]}`)).status).toBe(403);
    const page = await get('/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Affect Studio');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await get('/assets/app.js', { cookie })).status).toBe(200);
    expect((await get('/assets/app.js', { cookie: 'affect_token=x' })).status).toBe(403);
  });

  it('refuses foreign Host headers (DNS rebinding) even with the cookie', async () => {
    expect((await get('/', { cookie, host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get('/', { cookie, host: 'localhost:1' })).status).toBe(403);
    expect((await get(launchPath(), { host: `evil.example:${server.port}` })).status).toBe(403);
  });

  it('refuses cross-site requests: a foreign Origin on HTTP and WebSocket', async () => {
    expect((await get('/', { cookie, origin: 'https://evil.example' })).status).toBe(403);
    await expect(open({ origin: 'https://evil.example', cookie })).rejects.toThrow(/403/);
    await expect(open({ cookie })).rejects.toThrow(/403/);
    await expect(open({ origin: origin() })).rejects.toThrow(/403/);
  });

  it('a page on another 127.0.0.1 port cannot use the cookie the browser sends along (fetch metadata)', async () => {
    const { id } = sessionWithMedia();
    writeFileSync(path.join(core.services.dataDir, 'sessions', String(id), 'recording.webm'), 'webm');
    // Same-origin (the app's own <video>) and typed addresses are served...
    expect((await get(`/media/${id}/recording.webm`, { cookie, 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'video' })).status).toBe(200);
    expect((await get(`/media/${id}/recording.webm`, { cookie, 'sec-fetch-site': 'none' })).status).toBe(200);
    // ...an embed from http://127.0.0.1:OTHER ("same-site": sites ignore ports) or any other site is not.
    expect((await get(`/media/${id}/recording.webm`, { cookie, 'sec-fetch-site': 'same-site', 'sec-fetch-dest': 'video' })).status).toBe(403);
    expect((await get(`/media/${id}/recording.webm`, { cookie, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    await expect(open({ origin: origin(), cookie, 'sec-fetch-site': 'same-site' })).rejects.toThrow(/403/);
  });
});

describe('browser-mode media', () => {
  it('does not serve files outside the renderer or media the database does not list', async () => {
    expect((await get('/../../etc/passwd', { cookie })).body).not.toContain('root:');
    expect((await get('/assets/..%2f..%2f..%2fetc%2fpasswd', { cookie })).status).toBe(404);
    expect((await get('/media/1/recording.webm', { cookie })).status).toBe(404);
  });

  it('answers a malformed media address with 400, not 500', async () => {
    expect((await get('/media/1/%', { cookie })).status).toBe(400);
    expect((await get('/media/1/%E0%A4%A', { cookie })).status).toBe(400);
  });

  it('refuses a listed media file that is a symlink, and a session folder that links elsewhere', async () => {
    const { id, folder } = sessionWithMedia();
    symlinkSync('/etc/passwd', path.join(folder, 'recording.webm'));
    const r = await get(`/media/${id}/recording.webm`, { cookie });
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('root:');
    rmSync(folder, { recursive: true });
    const elsewhere = tempDir();
    writeFileSync(path.join(elsewhere, 'recording.webm'), 'secret');
    symlinkSync(elsewhere, folder);
    expect((await get(`/media/${id}/recording.webm`, { cookie })).body).not.toContain('secret');
  });

  it('says the file is missing when a listed recording was deleted', async () => {
    const { id } = sessionWithMedia();
    const r = await get(`/media/${id}/recording.webm`, { cookie });
    expect(r.status).toBe(404);
    expect(r.body).toMatch(/recording\.webm of session \d+ is missing from the data folder/);
  });
});

describe('browser-mode RPC', () => {
  it('carries the contract over the WebSocket, binary chunks included, and answers bad frames with errors', async () => {
    const ws = await open();
    // Who is using this window comes first (issue 17): a profile, then the participant with its consent.
    expect(await rpc(ws, 11, 'operators.create', { displayName: 'RN Test', role: 'clinician' })).toMatchObject({ result: { ok: true, value: { id: 1 } } });
    expect(await rpc(ws, 12, 'operators.select', { id: 1 })).toMatchObject({ result: { ok: true } });
    const consent = { scopes: { video: true, audio: true, analysis: true, research: true }, takenOn: '2026-01-01' };
    const created = await rpc(ws, 1, 'participants.create', { code: 'P01', consent });
    expect(created).toMatchObject({ type: 'res', id: 1, result: { ok: true, value: { code: 'P01' } } });
    const bad = await rpc(ws, 2, 'participants.create', { code: '' });
    expect(bad).toMatchObject({ result: { ok: false, error: { code: 'invalid_input' } } });
    const session = await rpc(ws, 3, 'sessions.create', { participantId: 1, protocol: 'p' });
    expect(session).toMatchObject({ result: { ok: true } });
    await rpc(ws, 4, 'recording.start', { sessionId: 1, mimeType: 'video/webm;codecs=vp8,opus' });
    const chunk = await rpc(ws, 5, 'recording.chunk', { sessionId: 1, seq: 0, data: new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3]) });
    expect(chunk).toMatchObject({ result: { ok: true, value: { bytesWritten: 7, chunks: 1 } } });
    // Garbage bytes and text frames get an error reply; the server keeps serving.
    const garbage = new Promise<ServerMessage>((resolve) => ws.once('message', (d: Buffer) => resolve(decodeFrame(new Uint8Array(d)) as ServerMessage)));
    ws.send(Buffer.from([1, 2, 3]));
    expect(await garbage).toMatchObject({ type: 'res', result: { ok: false, error: { code: 'invalid_input' } } });
    expect(await rpc(ws, 6, 'participants.list', {})).toMatchObject({ result: { ok: true } });
  });

  it('drops a client that breaks the WebSocket protocol and keeps serving everyone else, recording included', async () => {
    const recorder = await open();
    expect(await rpc(recorder, 4, 'operators.create', { displayName: 'RN Test', role: 'clinician' })).toMatchObject({ result: { ok: true } });
    expect(await rpc(recorder, 5, 'operators.select', { id: 1 })).toMatchObject({ result: { ok: true } });
    const consent = { scopes: { video: true, audio: true, analysis: true, research: true }, takenOn: '2026-01-01' };
    expect(await rpc(recorder, 1, 'participants.create', { code: 'P01', consent })).toMatchObject({ result: { ok: true } });
    expect(await rpc(recorder, 2, 'sessions.create', { participantId: 1, protocol: 'p' })).toMatchObject({ result: { ok: true } });
    expect(await rpc(recorder, 3, 'recording.start', { sessionId: 1, mimeType: 'video/webm' })).toMatchObject({ result: { ok: true } });
    const bad: Array<[string, Buffer]> = [
      ['invalid UTF-8 in a text frame', clientFrame(0x1, new Uint8Array([0xc3, 0x28, 0xff]))],
      ['a 65 MiB length', Buffer.concat([clientFrame(0x2, new Uint8Array(0), { length: 65 * 1024 * 1024 }), Buffer.alloc(64)])],
      ['a reserved opcode', clientFrame(0x3, new Uint8Array([1, 2]))],
      ['an unmasked frame', clientFrame(0x2, new Uint8Array([1, 2, 3]), { mask: false })],
      ['RSV1 set without an extension', clientFrame(0x2, new Uint8Array([1, 2, 3]), { rsv: 4 })],
      ['a bad close code', clientFrame(0x8, new Uint8Array([0x03, 0xee]))],
    ];
    for (const [what, bytes] of bad) {
      const sock = await rawWebSocket(server.port, cookie);
      const closed = new Promise<void>((r) => sock.once('close', () => r()));
      sock.on('error', () => {});
      sock.write(bytes);
      await closed;
      const seq = bad.findIndex(([w]) => w === what);
      const reply = await rpc(recorder, 10 + seq, 'recording.chunk', { sessionId: 1, seq, data: new Uint8Array([seq]) });
      expect(reply, what).toMatchObject({ result: { ok: true, value: { chunks: seq + 1 } } });
    }
    const other = await open();
    expect(await rpc(other, 1, 'participants.list', {})).toMatchObject({ result: { ok: true } });
    expect(await rpc(recorder, 99, 'recording.stop', { sessionId: 1 })).toMatchObject({ result: { ok: true } });
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
