import path from 'node:path';

/** Every session's files live in <data>/sessions/<id>/, never shared between sessions. */
export function sessionFolder(dataDir: string, sessionId: number): string {
  return path.join(dataDir, 'sessions', String(sessionId));
}

export const RECORDING_PART = 'recording.part.webm';
export const RECORDING_FILE = 'recording.webm';
