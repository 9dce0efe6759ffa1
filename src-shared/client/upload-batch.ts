/**
 * Sends the files of a queued import (batch.uploadChunk/Done) one after the other, each in numbered chunks: the
 * same for the renderer (picked files or a picked folder) and for tests. A file that cannot be sent is left
 * waiting with the reason; the others go on.
 */
import type { BatchItemView } from '../contract/batch.js';
import type { Call } from './contract-client.js';
import { type ClipSource, UPLOAD_CHUNK_BYTES } from './upload-clip.js';

export interface BatchUploadOptions {
  chunkBytes?: number;
  signal?: AbortSignal;
  onProgress?: (itemId: number, sent: number, total: number) => void;
  /** A file that could not be sent (it stays waiting; pick it again to continue). */
  onError?: (itemId: number, message: string) => void;
}

export async function uploadBatchItem(call: Call, itemId: number, clip: ClipSource, opts: BatchUploadOptions = {}): Promise<BatchItemView> {
  const size = opts.chunkBytes ?? UPLOAD_CHUNK_BYTES;
  let sent = 0;
  for (let seq = 0; sent < clip.size; seq++) {
    if (opts.signal?.aborted) throw new Error('Sending was stopped');
    const data = await clip.read(sent, Math.min(clip.size, sent + size) - sent);
    if (!data.byteLength) throw new Error(`${clip.name}: the file ended after ${sent} of ${clip.size} bytes`);
    await call('batch.uploadChunk', { itemId, seq, data });
    sent += data.byteLength;
    opts.onProgress?.(itemId, sent, clip.size);
  }
  return call('batch.uploadDone', { itemId });
}

/** Sends each waiting item's file, matched by the item's label; returns how many were sent. */
export async function uploadBatchFiles(call: Call, items: readonly BatchItemView[], files: ReadonlyMap<string, ClipSource>, opts: BatchUploadOptions = {}): Promise<number> {
  let sent = 0;
  for (const it of items) {
    if (it.state !== 'waiting' || it.label === null) continue;
    const clip = files.get(it.label);
    if (!clip || clip.size !== it.bytes) continue;
    try {
      await uploadBatchItem(call, it.id, clip, opts);
      sent++;
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      opts.onError?.(it.id, e instanceof Error ? e.message : String(e));
    }
  }
  return sent;
}
