import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFfmpeg } from '../media/ffmpeg.js';

export function tempDir(prefix = 'affect-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A real WebM (VP8 + Opus) like MediaRecorder makes: moving test pattern and a 440 Hz tone. */
export async function makeWebm(file: string, seconds: number): Promise<string> {
  await runFfmpeg([
    '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=30:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:v', 'libvpx', '-b:v', '500k', '-deadline', 'realtime', '-cpu-used', '8',
    '-c:a', 'libopus', '-shortest', '-f', 'webm', file,
  ]);
  return file;
}

/** Splits bytes into chunks of at most `size`, as MediaRecorder's timeslice does. */
export function chunksOf<B extends ArrayBufferLike>(bytes: Uint8Array<B>, size: number): Uint8Array<B>[] {
  const out: Uint8Array<B>[] = [];
  for (let i = 0; i < bytes.byteLength; i += size) out.push(bytes.subarray(i, Math.min(i + size, bytes.byteLength)));
  return out;
}
