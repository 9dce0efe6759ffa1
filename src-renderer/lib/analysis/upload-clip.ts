/**
 * Sends one picked file to the core in numbered chunks (media.importBegin/Chunk/Finish). Works the same over
 * Electron IPC and the browser-mode WebSocket, since a page never sees file paths. One file at a time keeps
 * memory to one chunk; a failure aborts that upload only.
 */
import type { ImportOutcomeView } from '../../../src-shared/contract/analysis.js';
import type { MethodInput, MethodName, MethodOutput } from '../../../src-shared/contract/index.js';
import { t } from '../i18n/i18n.js';

/** 4 MiB: few round trips, well below the 16 MiB limit per message. */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

export type Call = <M extends MethodName>(method: M, input: MethodInput<M>) => Promise<MethodOutput<M>>;

export interface UploadOptions {
  chunkBytes?: number;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

export async function uploadClip(call: Call, sessionId: number, file: Blob & { name: string }, opts: UploadOptions = {}): Promise<ImportOutcomeView> {
  const size = opts.chunkBytes ?? UPLOAD_CHUNK_BYTES;
  if (file.size === 0) return { fileName: file.name, ok: false, message: t('import.empty', { file: file.name }) };
  const { uploadId } = await call('media.importBegin', { sessionId, fileName: file.name, size: file.size });
  try {
    let sent = 0;
    for (let seq = 0; sent < file.size; seq++) {
      if (opts.signal?.aborted) throw new Error(t('import.cancelled'));
      const data = new Uint8Array(await file.slice(sent, Math.min(file.size, sent + size)).arrayBuffer());
      await call('media.importChunk', { uploadId, seq, data });
      sent += data.byteLength;
      opts.onProgress?.(sent, file.size);
    }
    return await call('media.importFinish', { uploadId });
  } catch (e) {
    await call('media.importAbort', { uploadId }).catch(() => undefined);
    throw e;
  }
}
