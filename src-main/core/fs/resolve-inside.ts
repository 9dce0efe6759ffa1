import path from 'node:path';

/**
 * Resolves a URL-style path inside root, refusing anything that escapes it (.., encoded separators, NUL).
 * Used for session media (recording/session-folder.ts) and the renderer's files (server/, main.ts).
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  return full === root || full.startsWith(root + path.sep) ? full : null;
}
