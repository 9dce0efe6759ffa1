/**
 * The browser-mode server's HTTP side: the launch-code exchange, session media, and the built renderer.
 * Every route but the exchange needs this launch's session cookie (security.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { AppEndpoint } from '../app-endpoint.js';
import { mediaReply } from './media-range.js';
import { checkHost, checkRequest, contentSecurityPolicy, type LaunchCredentials } from './security.js';
import { resolveInside, sendFile } from './static-files.js';

export interface HttpContext {
  core: AppEndpoint;
  rendererDir: string;
  creds: LaunchCredentials;
  port(): number;
  /** Called after a launch code was exchanged (the launch file can go). */
  onLaunchCodeUsed?(): void;
}

export const LAUNCH_PATH = '/launch';

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(text);
}

export function handleHttp(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): void {
  const unsafeMethod = req.method !== 'GET' && req.method !== 'HEAD';
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === LAUNCH_PATH && !unsafeMethod) return handleLaunch(ctx, req, res, url);
  const verdict = checkRequest(req, ctx.port(), ctx.creds, { requireOrigin: unsafeMethod });
  if (!verdict.ok) return plain(res, verdict.status, verdict.reason);
  if (unsafeMethod) return plain(res, 405, 'Method not allowed', { allow: 'GET, HEAD' });
  const media = /^\/media\/(\d+)\/([^/]+)$/.exec(url.pathname);
  if (media) return handleMedia(ctx, req, res, Number(media[1]), media[2]);
  return handleStatic(ctx, req, res, url.pathname);
}

/**
 * Exchanges a one-time launch code for the session cookie. Opened by the user (the printed address) or by
 * the launch file, which is a file:// page and so "cross-site": that case gets a page that moves on to /
 * itself, since a SameSite=Strict cookie would not ride on a redirect that started cross-site.
 */
function handleLaunch(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const host = checkHost(req, ctx.port());
  if (!host.ok) return plain(res, host.status, host.reason);
  const mode = req.headers['sec-fetch-mode'];
  if (mode !== undefined && mode !== 'navigate') return plain(res, 403, 'A launch address must be opened, not fetched');
  const code = url.searchParams.get('code') ?? '';
  const redeemed = code !== '' && ctx.creds.redeem(code);
  if (redeemed) ctx.onLaunchCodeUsed?.();
  if (!redeemed && !ctx.creds.admits(req)) {
    return plain(res, 403, 'This launch address has already been used or has expired. Open the address Affect Studio printed last, or start it again.');
  }
  const headers: Record<string, string> = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
  if (redeemed) headers['set-cookie'] = ctx.creds.cookie();
  const site = req.headers['sec-fetch-site'];
  if (site === undefined || site === 'none' || site === 'same-origin') {
    // A redirect keeps the URL's #fragment, so a launch address can open a view directly.
    res.writeHead(303, { ...headers, location: '/' }).end();
    return;
  }
  res
    .writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'" })
    .end('<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/"><title>Affect Studio</title><p>Opening Affect Studio…</p>');
}

function handleMedia(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, sessionId: number, encodedName: string): void {
  let fileName: string;
  try {
    fileName = decodeURIComponent(encodedName);
  } catch {
    return plain(res, 400, 'Bad media address');
  }
  // Decrypted chunk by chunk as the player asks for byte ranges; nothing at all while the app is locked.
  ctx.core.openMedia(sessionId, fileName).then(
    (opened) => {
      if (!opened.ok) {
        if (opened.why === 'locked') return plain(res, 423, 'Affect Studio is locked');
        return plain(res, 404, opened.why === 'missing' ? `The file ${fileName} of session ${sessionId} is missing from the data folder` : 'No such media');
      }
      const reply = mediaReply(opened.reader, fileName, req.headers.range, req.method === 'HEAD');
      res.writeHead(reply.status, reply.headers);
      if (!reply.body) return void res.end();
      const body = reply.body;
      // A read error (a damaged chunk, a file cut under us) ends this response only; the server goes on.
      body.on('error', () => res.destroy());
      res.on('close', () => body.destroy());
      body.pipe(res);
    },
    () => plain(res, 500, 'Internal error'),
  );
}

function handleStatic(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  const isAsset = pathname !== '/' && !pathname.endsWith('.html') && path.extname(pathname) !== '';
  const file = isAsset ? resolveInside(ctx.rendererDir, pathname) : path.join(ctx.rendererDir, 'index.html');
  if (!file) return plain(res, 404, 'Not found');
  sendFile(req, res, file, {
    'content-security-policy': contentSecurityPolicy(ctx.port()),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'permissions-policy': 'camera=(self), microphone=(self)',
  });
}
