import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
  '.onnx': 'application/octet-stream',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export { resolveInside } from '../fs/resolve-inside.js';

/**
 * A single `bytes=` range against a file of `size` bytes: null when absent or not a single range (send the
 * whole file), 'unsatisfiable' when it lies outside the file, else inclusive start and end.
 */
export function byteRange(header: string | null | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!m || (!m[1] && !m[2])) return null;
  const start = Math.max(0, m[1] ? Number(m[1]) : size - Number(m[2]));
  const end = Math.min(m[1] && m[2] ? Number(m[2]) : size - 1, size - 1);
  return start > end || start >= size ? 'unsatisfiable' : { start, end };
}

/** Sends a file, honouring a single byte Range so <video> can seek. */
export function sendFile(req: IncomingMessage, res: ServerResponse, file: string, headers: Record<string, string> = {}): void {
  if (!existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    return;
  }
  const size = statSync(file).size;
  const base = { 'content-type': contentType(file), 'accept-ranges': 'bytes', 'x-content-type-options': 'nosniff', ...headers };
  const range = byteRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  if (range) {
    const { start, end } = range;
    res.writeHead(206, { ...base, 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${size}` });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { ...base, 'content-length': String(size) });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}
