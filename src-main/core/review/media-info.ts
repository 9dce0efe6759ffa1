import { statSync } from 'node:fs';
import path from 'node:path';
import type { ReviewMedia } from '../../../src-shared/contract/review.js';
import type { MediaFile } from '../../../src-shared/domain.js';
import { probeMedia } from '../media/ffmpeg.js';
import { playbackMedia } from '../media/media-roles.js';
import { sessionFolder } from '../recording/session-folder.js';

/** Frame rate assumed when neither the container nor the analysed frames tell (browsers record at 30). */
export const ASSUMED_FPS = 30;

/** The file Review plays (media-roles.ts). */
export const pickMedia = playbackMedia;

/** Median spacing of analysed frame times, as frames per second; null with too few frames to say. */
export function fpsFromFrameTimes(times: readonly number[]): number | null {
  const d: number[] = [];
  for (let i = 1; i < times.length; i++) if (times[i] > times[i - 1]) d.push(times[i] - times[i - 1]);
  if (d.length < 5) return null;
  d.sort((a, b) => a - b);
  const median = d[d.length >> 1];
  const fps = 1000 / median;
  return fps >= 1 && fps <= 240 ? Math.round(fps * 1000) / 1000 : null;
}

const probed = new Map<string, { mtimeMs: number; info: Awaited<ReturnType<typeof probeMedia>> }>();

/**
 * Media facts for Review. The container's average frame rate is used when plausible (MediaRecorder WebM
 * often reports none, or its 1 kHz time base), else the analysed frame times, else 30 fps, and the answer
 * says which.
 */
export async function reviewMedia(dataDir: string, sessionId: number, media: readonly MediaFile[], frameTimes: () => number[]): Promise<ReviewMedia | null> {
  const m = pickMedia(media);
  if (!m) return null;
  const file = path.join(sessionFolder(dataDir, sessionId), m.fileName);
  let width: number | null = null;
  let height: number | null = null;
  let containerFps: number | null = null;
  let durationMs = m.durationMs;
  try {
    const mtimeMs = statSync(file).mtimeMs;
    let entry = probed.get(file);
    if (!entry || entry.mtimeMs !== mtimeMs) {
      entry = { mtimeMs, info: await probeMedia(file) };
      probed.set(file, entry);
    }
    const v = entry.info.streams.find((s) => s.type === 'video');
    width = v?.width ?? null;
    height = v?.height ?? null;
    const r = v?.avgFrameRate;
    containerFps = r !== undefined && r >= 1 && r <= 120 ? r : null;
    durationMs = durationMs ?? entry.info.durationMs;
  } catch {
    // An unreadable file still gets an answer; the player shows the browser's own error when it cannot play it.
  }
  const fromFrames = containerFps === null ? fpsFromFrameTimes(frameTimes()) : null;
  return {
    fileName: m.fileName,
    mimeType: m.mimeType,
    durationMs,
    hasVideo: m.hasVideo,
    width,
    height,
    fps: containerFps ?? fromFrames ?? ASSUMED_FPS,
    fpsSource: containerFps !== null ? 'container' : fromFrames !== null ? 'frames' : 'assumed',
  };
}
