/**
 * A stored media file as an HTTP answer with byte ranges, the same for browser mode and Electron's
 * affect-media protocol: only the chunks a range touches are decrypted, as the player asks for them.
 */
import { Readable } from 'node:stream';
import type { StoredMediaReader } from '../crypto/media-store.js';
import { MEDIA_PACING, paced } from './paced-body.js';
import { byteRange, contentType } from './static-files.js';

export interface MediaReply {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /** The bytes to send (it closes the reader when it ends or is destroyed); null for HEAD, 416 or empty. */
  body: Readable | null;
}

export function mediaReply(reader: StoredMediaReader, fileName: string, rangeHeader: string | null | undefined, head = false): MediaReply {
  const { size } = reader;
  const range = byteRange(rangeHeader, size);
  if (range === 'unsatisfiable') {
    void reader.close();
    return { status: 416, headers: { 'content-range': `bytes */${size}` }, body: null };
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const headers: Record<string, string> = {
    'content-type': contentType(fileName),
    'accept-ranges': 'bytes',
    'content-length': String(size === 0 ? 0 : end - start + 1),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  if (head || size === 0) {
    void reader.close();
    return { status: range ? 206 : 200, headers, body: null };
  }
  // At a player's pace (paced-body.ts): what a seek abandons is not read or decrypted for nothing.
  const body = Readable.from(paced(reader.range(start, end), MEDIA_PACING, end - start + 1), { objectMode: false });
  body.once('close', () => void reader.close());
  return { status: range ? 206 : 200, headers, body };
}
