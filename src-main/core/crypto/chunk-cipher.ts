/**
 * AES-256-GCM of one chunk (sealed layout) or record (journal layout). The additional authenticated data is
 * the file header, the chunk's index and what the layout says about the chunk (the final-chunk flag, or the
 * record's length), so a chunk cannot be moved to another position, another file, or be presented as the
 * last one when it was not.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { chunkNonce, type MediaHeader, MediaCryptoError, TAG_BYTES } from './media-header.js';

function aad(header: MediaHeader, index: number, extra: Buffer): Buffer {
  const ix = Buffer.alloc(8);
  ix.writeBigUInt64BE(BigInt(index));
  return Buffer.concat([header.raw, ix, extra]);
}

/** The layout-specific part of the AAD: sealed chunks carry a final flag, journal records their length. */
export const sealedExtra = (final: boolean): Buffer => Buffer.from([final ? 1 : 0]);
export function journalExtra(length: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(length);
  return b;
}

/** Ciphertext followed by the 16-byte tag. */
export function sealChunk(fileKey: Buffer, header: MediaHeader, index: number, extra: Buffer, plain: Uint8Array): Buffer {
  const c = createCipheriv('aes-256-gcm', fileKey, chunkNonce(index));
  c.setAAD(aad(header, index, extra));
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

/** Plaintext of a chunk; throws MediaCryptoError when anything about it was changed. */
export function openChunk(fileKey: Buffer, header: MediaHeader, index: number, extra: Buffer, sealed: Uint8Array): Buffer {
  if (sealed.length < TAG_BYTES) throw new MediaCryptoError(`Encrypted media chunk ${index} is cut short`);
  const d = createDecipheriv('aes-256-gcm', fileKey, chunkNonce(index));
  d.setAAD(aad(header, index, extra));
  d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const out = d.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    d.final();
  } catch {
    throw new MediaCryptoError(`Encrypted media chunk ${index} failed authentication (the file was changed, damaged or cut short)`);
  }
  return out;
}
