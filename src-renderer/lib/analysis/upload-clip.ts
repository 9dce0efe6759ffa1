/** A picked file sent to the core in chunks (src-shared/client/upload-clip.ts): over IPC or the WebSocket alike. */
import type { ImportOutcomeView } from '../../../src-shared/contract/analysis.js';
import { type ClipSource, type UploadOptions, uploadClipSource } from '../../../src-shared/client/upload-clip.js';
import type { Call } from '../../../src-shared/client/contract-client.js';
import { t } from '../i18n/i18n.js';

export { UPLOAD_CHUNK_BYTES } from '../../../src-shared/client/upload-clip.js';
export type { Call } from '../../../src-shared/client/contract-client.js';

function blobSource(file: Blob & { name: string }): ClipSource {
  return { name: file.name, size: file.size, read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()) };
}

/** The shared upload, with its own refusals (an empty file, a cancelled upload) worded in the interface's language. */
export async function uploadClip(call: Call, sessionId: number, file: Blob & { name: string }, opts: UploadOptions = {}): Promise<ImportOutcomeView> {
  if (file.size === 0) return { fileName: file.name, ok: false, message: t('import.empty', { file: file.name }) };
  try {
    return await uploadClipSource(call, sessionId, blobSource(file), opts);
  } catch (e) {
    if (opts.signal?.aborted) throw new Error(t('import.cancelled'));
    throw e;
  }
}
