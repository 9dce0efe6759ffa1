import { Readable } from 'node:stream';
import type { MediaOpen } from '../core/app-endpoint.js';
import { mediaReply } from '../core/server/media-range.js';

/**
 * A fetch Response for a session's media over the affect-media protocol, with byte ranges so <video> can
 * seek: the same answer as browser mode's (an encrypted file is decrypted chunk by chunk as ranges are asked
 * for; nothing while locked).
 */
export function mediaResponse(opened: MediaOpen, fileName: string, rangeHeader: string | null): Response {
  if (!opened.ok) {
    if (opened.why === 'locked') return new Response('Affect Studio is locked', { status: 423 });
    return new Response(opened.why === 'missing' ? 'The file is missing from the data folder' : 'Not found', { status: 404 });
  }
  const reply = mediaReply(opened.reader, fileName, rangeHeader);
  const body = reply.body ? (Readable.toWeb(reply.body) as ReadableStream<Uint8Array>) : null;
  return new Response(body, { status: reply.status, headers: reply.headers });
}
