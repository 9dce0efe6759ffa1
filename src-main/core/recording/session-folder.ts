import path from 'node:path';
import { resolveInside } from '../fs/resolve-inside.js';
import type { SessionsRepo } from '../store/sessions-repo.js';

/** Every session's files live in <data>/sessions/<id>/, never shared between sessions. */
export function sessionFolder(dataDir: string, sessionId: number): string {
  return path.join(dataDir, 'sessions', String(sessionId));
}

export const RECORDING_PART = 'recording.part.webm';
export const RECORDING_FILE = 'recording.webm';

/**
 * The file behind a media URL, for both transports: only files the database lists for that session, and only
 * inside its folder. Null for anything else.
 */
export function sessionMediaPath(sessions: SessionsRepo, dataDir: string, sessionId: number, fileName: string): string | null {
  return sessions.hasMedia(sessionId, fileName) ? resolveInside(sessionFolder(dataDir, sessionId), fileName) : null;
}
