/**
 * Which MediaStore a file under a data folder belongs to, for the code that hands files to ffmpeg (probe,
 * decode). A core mounts its folder's store when it opens and unmounts it when it closes or locks, so every
 * ffmpeg input inside an encrypted folder is read through the store's decrypting tap, and nothing inside a
 * locked folder can be read at all; files elsewhere (a clip being imported from the user's disk) are read
 * as they are.
 */
import path from 'node:path';
import type { FfmpegSource, MediaStore } from './media-store.js';

const mounts = new Map<string, MediaStore>();

export function mountMedia(folder: string, store: MediaStore): () => void {
  const root = path.resolve(folder);
  mounts.set(root, store);
  return () => {
    if (mounts.get(root) === store) mounts.delete(root);
  };
}

/** The store of the folder holding `file`, or null for a file outside every mounted folder. */
export function storeFor(file: string): MediaStore | null {
  const full = path.resolve(file);
  for (const [root, store] of mounts) if (full.startsWith(root + path.sep)) return store;
  return null;
}

/** How ffmpeg reads `file`: through its folder's store where it has one, else the file itself. */
export async function ffmpegSourceFor(file: string): Promise<FfmpegSource> {
  const store = storeFor(file);
  if (store) return store.ffmpegSource(file);
  return { url: file, env: undefined, protocols: 'file', release: async () => undefined };
}
