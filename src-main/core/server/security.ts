import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'affect_token';

/** A fresh secret per launch: only someone who was handed the launch URL can talk to this server. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Hosts the server answers to. Anything else is DNS rebinding: a foreign name resolved to 127.0.0.1. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** Origins allowed to call the API. A missing Origin is accepted for plain HTTP GETs (same-origin navigation). */
export function originAllowed(origin: string | undefined, port: number, required: boolean): boolean {
  if (origin === undefined) return !required;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** The token a request presents: ?token=, the X-Affect-Token header, or the cookie set on first visit. */
export function presentedToken(req: Pick<IncomingMessage, 'url' | 'headers'>): { token: string | undefined; via: 'query' | 'header' | 'cookie' | 'none' } {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = url.searchParams.get('token');
  if (q) return { token: q, via: 'query' };
  const h = req.headers['x-affect-token'];
  if (typeof h === 'string') return { token: h, via: 'header' };
  const c = cookieValue(req.headers.cookie, TOKEN_COOKIE);
  if (c) return { token: c, via: 'cookie' };
  return { token: undefined, via: 'none' };
}

export type Verdict = { ok: true; via: 'query' | 'header' | 'cookie' } | { ok: false; status: 400 | 403; reason: string };

/** Every HTTP and WebSocket request goes through this before anything else happens. */
export function checkRequest(req: Pick<IncomingMessage, 'url' | 'headers'>, port: number, token: string, opts: { requireOrigin: boolean }): Verdict {
  if (!hostAllowed(req.headers.host, port)) return { ok: false, status: 403, reason: 'Host not allowed' };
  const origin = req.headers.origin;
  if (!originAllowed(typeof origin === 'string' ? origin : undefined, port, opts.requireOrigin)) return { ok: false, status: 403, reason: 'Origin not allowed' };
  const presented = presentedToken(req);
  if (!presented.token || presented.via === 'none' || !safeEqual(presented.token, token)) return { ok: false, status: 403, reason: 'Missing or wrong token' };
  return { ok: true, via: presented.via };
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
