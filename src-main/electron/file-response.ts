import { closeSync, createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { byteRange, contentType, openRegularFile } from '../core/server/static-files.js';

/**
 * A fetch Response for a local file, with byte ranges so <video> can seek over a custom protocol. A symlink
 * is refused like a missing file (opened O_NOFOLLOW, as in browser mode).
 */
export function fileResponse(file: string, rangeHeader: string | null, headers: Record<string, string> = {}): Response {
  const opened = openRegularFile(file);
  if (!opened.ok) return new Response(opened.why === 'missing' ? 'The file is missing from the data folder' : 'Not found', { status: 404 });
  const { fd, size } = opened;
  const base: Record<string, string> = { 'content-type': contentType(file), 'accept-ranges': 'bytes', ...headers };
  const range = byteRange(rangeHeader, size);
  if (range === 'unsatisfiable' || size === 0) closeSync(fd);
  if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { 'content-range': `bytes */${size}` } });
  if (size === 0) return new Response(null, { status: 200, headers: { ...base, 'content-length': '0' } });
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const body = Readable.toWeb(createReadStream('', { fd, start, end })) as ReadableStream<Uint8Array>;
  return new Response(body, { status: range ? 206 : 200, headers: { ...base, 'content-length': String(end - start + 1), ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) } });
}
