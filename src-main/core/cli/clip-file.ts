/** A clip on this machine's disk as an upload source for media.importBegin/Chunk/Finish. */
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { ClipSource } from '../../../src-shared/client/upload-clip.js';
import { ct } from './cli-language.js';

export interface OpenedClip {
  source: ClipSource;
  close(): Promise<void>;
}

/** Opens the file for reading, or says why it cannot be (the same words the core uses for a bad upload). */
export async function openClipFile(file: string): Promise<OpenedClip | { message: string }> {
  const name = path.basename(file);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return { message: ct('cli.clip.notFound', { file: name }) };
  }
  const st = await handle.stat();
  if (!st.isFile()) {
    await handle.close();
    return { message: ct('cli.clip.notAFile', { file: name }) };
  }
  const h = handle;
  return {
    source: {
      name,
      size: st.size,
      read: async (offset, length) => {
        const buf = new Uint8Array(length);
        const { bytesRead } = await h.read(buf, 0, length, offset);
        return bytesRead === length ? buf : buf.subarray(0, bytesRead);
      },
    },
    close: () => h.close(),
  };
}
