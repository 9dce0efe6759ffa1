/**
 * Framing for the browser-mode WebSocket: one binary frame per message, a JSON header followed by the raw
 * bytes of every Uint8Array/ArrayBuffer in the message. Media chunks and video frames therefore cross as
 * bytes, not as base64 text, and the same message objects work over Electron IPC (structured clone).
 */
import type { ApiErrorBody, Result } from './errors.js';

export type ClientMessage = { type: 'req'; id: number; method: string; input: unknown };
export type ServerMessage =
  | { type: 'res'; id: number; result: Result<unknown> }
  | { type: 'evt'; name: string; payload: unknown };

const BIN_KEY = '__bin';

export function encodeFrame(message: ClientMessage | ServerMessage): Uint8Array<ArrayBuffer> {
  const blobs: Uint8Array[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
      blobs.push(value instanceof ArrayBuffer ? new Uint8Array(value) : value);
      return { [BIN_KEY]: blobs.length - 1 };
    }
    return value;
  });
  const header = new TextEncoder().encode(json);
  const lengths = blobs.map((b) => b.byteLength);
  const total = 8 + header.byteLength + 4 * lengths.length + lengths.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, header.byteLength, true);
  view.setUint32(4, blobs.length, true);
  let offset = 8;
  out.set(header, offset);
  offset += header.byteLength;
  for (const len of lengths) {
    view.setUint32(offset, len, true);
    offset += 4;
  }
  for (const b of blobs) {
    out.set(b, offset);
    offset += b.byteLength;
  }
  return out;
}

export class FrameError extends Error {}

/** Decodes a frame; throws FrameError on anything malformed (the caller answers with invalid_input). */
export function decodeFrame(frame: Uint8Array): unknown {
  if (frame.byteLength < 8) throw new FrameError('Frame too short');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLen = view.getUint32(0, true);
  const count = view.getUint32(4, true);
  let offset = 8 + headerLen;
  if (offset + count * 4 > frame.byteLength || count > 1024) throw new FrameError('Frame header out of range');
  const lengths: number[] = [];
  for (let i = 0; i < count; i++) {
    lengths.push(view.getUint32(offset, true));
    offset += 4;
  }
  const blobs: Uint8Array[] = [];
  for (const len of lengths) {
    if (offset + len > frame.byteLength) throw new FrameError('Frame attachment out of range');
    // Copy so the attachment owns its memory and can be transferred or kept after the frame is gone.
    blobs.push(frame.slice(offset, offset + len));
    offset += len;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(frame.subarray(8, 8 + headerLen)), (_key, value: unknown) => {
      if (value && typeof value === 'object' && !Array.isArray(value) && BIN_KEY in value) {
        const idx = (value as Record<string, unknown>)[BIN_KEY];
        if (typeof idx !== 'number' || !blobs[idx]) throw new FrameError('Bad attachment reference');
        return blobs[idx];
      }
      return value;
    });
  } catch (e) {
    throw e instanceof FrameError ? e : new FrameError('Frame header is not valid JSON');
  }
  return parsed;
}

export function errorResult(error: ApiErrorBody): Result<never> {
  return { ok: false, error };
}
