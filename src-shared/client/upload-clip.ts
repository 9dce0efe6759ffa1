/**
 * Sends one clip to the core in numbered chunks (media.importBegin/Chunk/Finish), the one way clips enter a
 * session whoever imports them: the renderer (a page never sees file paths) and the CLI. One file at a time
 * keeps memory to one chunk; a failure aborts that upload only.
 */
import type { ImportOutcomeView } from '../contract/analysis.js';
import type { Call } from './contract-client.js';

/** 4 MiB: few round trips, well below the 16 MiB limit per message. */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

/** The bytes of a clip, wherever they are (a picked File, a file on disk). */
export interface ClipSource {
  /** The name the user knows the clip by (its extension decides the type). */
  readonly name: string;
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array<ArrayBuffer>>;
}

export interface UploadOptions {
  chunkBytes?: number;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

export async function uploadClipSource(call: Call, sessionId: number, clip: ClipSource, opts: UploadOptions = {}): Promise<ImportOutcomeView> {
  const size = opts.chunkBytes ?? UPLOAD_CHUNK_BYTES;
  if (clip.size === 0) return { fileName: clip.name, ok: false, message: `${clip.name}: the file is empty` };
  const { uploadId } = await call('media.importBegin', { sessionId, fileName: clip.name, size: clip.size });
  try {
    let sent = 0;
    for (let seq = 0; sent < clip.size; seq++) {
      if (opts.signal?.aborted) throw new Error('Import cancelled');
      const data = await clip.read(sent, Math.min(clip.size, sent + size) - sent);
      if (!data.byteLength) throw new Error(`${clip.name}: the file ended after ${sent} of ${clip.size} bytes`);
      await call('media.importChunk', { uploadId, seq, data });
      sent += data.byteLength;
      opts.onProgress?.(sent, clip.size);
    }
    return await call('media.importFinish', { uploadId });
  } catch (e) {
    await call('media.importAbort', { uploadId }).catch(() => undefined);
    throw e;
  }
}
