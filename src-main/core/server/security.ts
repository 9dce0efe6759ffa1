import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** How long a one-time launch code stays valid: long enough for a browser to start, short enough to go stale. */
export const LAUNCH_CODE_TTL_MS = 120_000;
/** A printed address (--no-open) waits for a person to copy it into a browser. */
export const PRINTED_CODE_TTL_MS = 60 * 60_000;

function secret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The secrets of one launch. The session secret never leaves this process except in an HttpOnly cookie
 * (never in a URL, on a command line or in the environment). A browser gets that cookie by presenting a
 * one-time launch code, which is worthless once used or after LAUNCH_CODE_TTL_MS. The cookie's name is new
 * at every launch and names the port: cookies ignore ports, so two servers on 127.0.0.1 never share one.
 */
export class LaunchCredentials {
  readonly cookieName: string;
  private readonly session = secret(32);
  private readonly codes = new Map<string, number>();

  constructor(
    port: number,
    private readonly now: () => number = Date.now,
  ) {
    this.cookieName = `affect_${port}_${secret(6).replace(/[-_]/g, 'x')}`;
  }

  /** A fresh one-time code, valid for ttlMs. */
  issueCode(ttlMs = LAUNCH_CODE_TTL_MS): string {
    this.prune();
    const code = secret(24);
    this.codes.set(code, this.now() + ttlMs);
    return code;
  }

  /** True once for a valid, unexpired code; the code is spent either way. */
  redeem(code: string): boolean {
    this.prune();
    for (const [known, expires] of this.codes) {
      if (safeEqual(known, code)) {
        this.codes.delete(known);
        return expires > this.now();
      }
    }
    return false;
  }

  pendingCodes(): number {
    this.prune();
    return this.codes.size;
  }

  /** Set-Cookie value that admits this browser for the rest of the launch. */
  cookie(): string {
    return `${this.cookieName}=${this.session}; Path=/; HttpOnly; SameSite=Strict`;
  }

  /** Whether the request carries this launch's session cookie. */
  admits(req: Pick<IncomingMessage, 'headers'>): boolean {
    const value = cookieValue(req.headers.cookie, this.cookieName);
    return value !== undefined && safeEqual(value, this.session);
  }

  private prune(): void {
    const t = this.now();
    for (const [code, expires] of this.codes) if (expires <= t) this.codes.delete(code);
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
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

/**
 * Fetch metadata: a page on another 127.0.0.1 port is "same-site" (sites ignore ports), so SameSite cookies
 * alone would let it embed /media/… with the user's cookie. Only requests from this origin itself, or typed
 * and opened by the user ("none"), are served. Clients that send no fetch metadata are not browsers and
 * still need the cookie.
 */
export function fetchSiteAllowed(req: Pick<IncomingMessage, 'headers'>): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === undefined) return true;
  return site === 'same-origin' || site === 'none';
}

export type Verdict = { ok: true } | { ok: false; status: 400 | 403; reason: string };

/** Every HTTP and WebSocket request except a launch-code exchange goes through this first. */
export function checkRequest(req: Pick<IncomingMessage, 'headers'>, port: number, creds: LaunchCredentials, opts: { requireOrigin: boolean }): Verdict {
  const hostOk = checkHost(req, port);
  if (!hostOk.ok) return hostOk;
  const origin = req.headers.origin;
  if (!originAllowed(typeof origin === 'string' ? origin : undefined, port, opts.requireOrigin)) return { ok: false, status: 403, reason: 'Origin not allowed' };
  if (!fetchSiteAllowed(req)) return { ok: false, status: 403, reason: 'Cross-site request refused' };
  if (!creds.admits(req)) return { ok: false, status: 403, reason: 'Not signed in to this Affect Studio: open the address it printed at start' };
  return { ok: true };
}

export function checkHost(req: Pick<IncomingMessage, 'headers'>, port: number): Verdict {
  return hostAllowed(req.headers.host, port) ? { ok: true } : { ok: false, status: 403, reason: 'Host not allowed' };
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
