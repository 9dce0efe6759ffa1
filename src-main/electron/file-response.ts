import { createReadStream, existsSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { byteRange, contentType } from '../core/server/static-files.js';

/** A fetch Response for a local file, with byte ranges so <video> can seek over a custom protocol. */
export function fileResponse(file: string, rangeHeader: string | null, headers: Record<string, string> = {}): Response {
  if (!existsSync(file) || !statSync(file).isFile()) return new Response('Not found', { status: 404 });
  const size = statSync(file).size;
  const base: Record<string, string> = { 'content-type': contentType(file), 'accept-ranges': 'bytes', ...headers };
  const range = byteRange(rangeHeader, size);
  if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { 'content-range': `bytes */${size}` } });
  if (range) {
    const { start, end } = range;
    const body = Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>;
    return new Response(body, { status: 206, headers: { ...base, 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${size}` } });
  }
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers: { ...base, 'content-length': String(size) } });
}
