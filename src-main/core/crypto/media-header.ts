/**
 * The clear header every encrypted media file starts with, and the per-file key it names.
 *
 *   0  8  magic "AFSEALED"
 *   8  1  format version (1)
 *   9  1  layout: 1 = sealed (fixed-size chunks, random access), 2 = journal (length-prefixed records, append)
 *  10  1  log2 of the chunk size (16: 64 KiB of plaintext per chunk or record at most)
 *  11  1  reserved, 0
 *  12 16  key id: which data folder's media key encrypted the file
 *  28 32  salt: makes this file's own AES-256-GCM key (HKDF-SHA256 of the media key), so nonces (the chunk
 *         index) never repeat under one key across files
 *  60  4  reserved, 0
 *
 * The whole header is part of every chunk's additional authenticated data: changing any byte of it makes
 * every chunk fail to decrypt.
 */
import { hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const HEADER_BYTES = 64;
export const TAG_BYTES = 16;
export const MAGIC = Buffer.from('AFSEALED', 'latin1');
export const FORMAT_VERSION = 1;
export const DEFAULT_CHUNK_LOG2 = 16;

export const Layout = { Sealed: 1, Journal: 2 } as const;
export type Layout = (typeof Layout)[keyof typeof Layout];

/** The media half of an unlocked data key: its id (in every file header) and the 32-byte key. */
export interface MediaKey {
  readonly id: Buffer;
  readonly key: Buffer;
}

export class MediaCryptoError extends Error {}

export interface MediaHeader {
  layout: Layout;
  chunkBytes: number;
  keyId: Buffer;
  salt: Buffer;
  /** The 64 header bytes as stored (the AAD prefix). */
  raw: Buffer;
}

export function newHeader(layout: Layout, key: MediaKey, chunkLog2 = DEFAULT_CHUNK_LOG2): MediaHeader {
  if (key.id.length !== 16 || key.key.length !== 32) throw new MediaCryptoError('A media key is 16 bytes of id and 32 bytes of key');
  const raw = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(raw, 0);
  raw[8] = FORMAT_VERSION;
  raw[9] = layout;
  raw[10] = chunkLog2;
  key.id.copy(raw, 12);
  const salt = randomBytes(32);
  salt.copy(raw, 28);
  return { layout, chunkBytes: 2 ** chunkLog2, keyId: key.id, salt, raw };
}

/** True when the bytes start like one of our encrypted files (any layout, any version). */
export function looksEncrypted(firstBytes: Uint8Array): boolean {
  return firstBytes.length >= MAGIC.length && MAGIC.equals(Buffer.from(firstBytes.buffer, firstBytes.byteOffset, MAGIC.length));
}

export function parseHeader(raw: Buffer, key: MediaKey, expected: Layout): MediaHeader {
  if (raw.length < HEADER_BYTES || !looksEncrypted(raw)) throw new MediaCryptoError('Not an encrypted Affect Studio media file');
  if (raw[8] !== FORMAT_VERSION) throw new MediaCryptoError(`Encrypted media format version ${raw[8]} is not known to this version of Affect Studio`);
  if (raw[9] !== expected) throw new MediaCryptoError(`Encrypted media file has layout ${raw[9]}, expected ${expected}`);
  const log2 = raw[10];
  if (log2 < 10 || log2 > 24) throw new MediaCryptoError(`Encrypted media file has an impossible chunk size (2^${log2})`);
  const keyId = raw.subarray(12, 28);
  if (!timingSafeEqual(keyId, key.id)) throw new MediaCryptoError('This media file was encrypted with another data folder’s key');
  return { layout: expected, chunkBytes: 2 ** log2, keyId: Buffer.from(keyId), salt: Buffer.from(raw.subarray(28, 60)), raw: Buffer.from(raw.subarray(0, HEADER_BYTES)) };
}

/** The file's own AES-256-GCM key. */
export function fileKey(key: MediaKey, header: MediaHeader): Buffer {
  return Buffer.from(hkdfSync('sha256', key.key, header.salt, 'affect-studio/media-file/v1', 32));
}

/** 96-bit GCM nonce: 4 zero bytes then the chunk (or record) index, big-endian. Unique per file key. */
export function chunkNonce(index: number): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(index), 4);
  return n;
}
