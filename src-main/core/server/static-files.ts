import { closeSync, constants, createReadStream, fstatSync, lstatSync, openSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { byteRange } from '../media/byte-range.js';

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

// Shared with the media tap, which lives outside the server.
export { byteRange };

export type OpenedFile = { ok: true; fd: number; size: number } | { ok: false; why: 'missing' | 'not_a_file' };

/**
 * Opens a regular file for reading without following a symlink at its last component (O_NOFOLLOW where the
 * platform has it, an lstat check where it does not): a link planted in a session folder must not serve
 * /etc/passwd. The caller owns the fd (createReadStream closes it).
 */
export function openRegularFile(file: string): OpenedFile {
  let fd: number;
  try {
    if (!constants.O_NOFOLLOW && lstatSync(file).isSymbolicLink()) return { ok: false, why: 'not_a_file' };
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, why: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'not_a_file' };
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    return { ok: false, why: 'not_a_file' };
  }
  return { ok: true, fd, size: st.size };
}

/** Sends a file, honouring a single byte Range so <video> can seek. Symlinks are refused like missing files. */
export function sendFile(req: IncomingMessage, res: ServerResponse, file: string, headers: Record<string, string> = {}, missingMessage = 'Not found'): void {
  const opened = openRegularFile(file);
  if (!opened.ok) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(opened.why === 'missing' ? missingMessage : 'Not found');
    return;
  }
  const { fd, size } = opened;
  const base = { 'content-type': contentType(file), 'accept-ranges': 'bytes', 'x-content-type-options': 'nosniff', ...headers };
  const range = byteRange(req.headers.range, size);
  if (range === 'unsatisfiable' || req.method === 'HEAD') closeSync(fd);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  if (range) {
    const { start, end } = range;
    res.writeHead(206, { ...base, 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${size}` });
    if (req.method === 'HEAD') return void res.end();
    pipeFd(fd, res, start, end);
    return;
  }
  res.writeHead(200, { ...base, 'content-length': String(size) });
  if (req.method === 'HEAD') return void res.end();
  if (size === 0) {
    closeSync(fd);
    return void res.end();
  }
  pipeFd(fd, res, 0, size - 1);
}

function pipeFd(fd: number, res: ServerResponse, start: number, end: number): void {
  const stream = createReadStream('', { fd, start, end, autoClose: true });
  // A read error (file truncated under us) ends this response only; the server goes on.
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
