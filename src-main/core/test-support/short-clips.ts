/**
 * Short distinct clips for queue tests: consecutive pieces of the face-and-speech test clip (a real face, speech
 * from 1.5 s), 320×240 so that tests stay quick. Each clip has different bytes, frames and sound.
 */
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { cacheRoot } from './fetch-package.js';
import { runFfmpeg } from '../media/ffmpeg.js';
import { faceSpeechClip } from './face-speech-clip.js';

export async function shortClips(n: number, seconds = 1.5): Promise<{ files: string[] } | { skip: string }> {
  const src = await faceSpeechClip(6);
  if ('skip' in src) return src;
  const step = (6 - seconds) / Math.max(1, n - 1);
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const start = Number((i * step).toFixed(3));
    const file = path.join(cacheRoot(), `test-short-${seconds}s-at-${start}s-320x240.mp4`);
    if (!existsSync(file)) {
      const part = `${file}.${process.pid}.part.mp4`;
      await runFfmpeg([
        '-y', '-ss', String(start), '-t', String(seconds), '-i', src.file,
        '-vf', 'scale=320:240', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ar', '48000', part,
      ]);
      renameSync(part, file);
    }
    files.push(file);
  }
  return { files };
}
