/** A picked file sent to the core in chunks (src-shared/client/upload-clip.ts): over IPC or the WebSocket alike. */
import type { ImportOutcomeView } from '../../../src-shared/contract/analysis.js';
import { type ClipSource, type UploadOptions, uploadClipSource } from '../../../src-shared/client/upload-clip.js';
import type { Call } from '../../../src-shared/client/contract-client.js';

export { UPLOAD_CHUNK_BYTES } from '../../../src-shared/client/upload-clip.js';
export type { Call } from '../../../src-shared/client/contract-client.js';

function blobSource(file: Blob & { name: string }): ClipSource {
  return { name: file.name, size: file.size, read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()) };
}

export function uploadClip(call: Call, sessionId: number, file: Blob & { name: string }, opts: UploadOptions = {}): Promise<ImportOutcomeView> {
  return uploadClipSource(call, sessionId, blobSource(file), opts);
}
