/**
 * Whether ffprobe can read a stored media file, for the tests that check encryption at rest.
 *
 * "ffprobe exits with an error" is not the test: ffprobe guesses, and now and then it takes random bytes for a raw
 * elementary stream (a CI run saw a sealed playable copy probed as "raw H.263", probe score 25; here 4 of 300 random 256 KiB
 * files were taken for raw H.263 or LRC lyrics, never above score 25). A sealed file is
 * one in which ffprobe finds no container and at most such a low-confidence guess; a clear WebM, AVI or WAV is
 * recognised by its header with score 100.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** ffmpeg's AVPROBE_SCORE_MAX / 4: the most a raw-stream guess without a header scores. */
const GUESS_SCORE = 25;
/** The containers the app stores (recordings, imported clips, playable copies). */
const CONTAINERS = /matroska|webm|avi|wav/;

export interface ProbeVerdict {
  readable: boolean;
  /** What ffprobe said, for the failure message. */
  said: string;
}

export async function ffprobeReads(ffprobe: string, file: string): Promise<ProbeVerdict> {
  let stdout: string;
  try {
    ({ stdout } = await run(ffprobe, ['-v', 'error', '-show_format', '-of', 'json', file]));
  } catch (e) {
    return { readable: false, said: e instanceof Error ? e.message.split('\n').slice(-2).join(' ') : String(e) };
  }
  const format = (JSON.parse(stdout) as { format?: { format_name?: string; probe_score?: number } }).format ?? {};
  const name = format.format_name ?? '';
  const score = format.probe_score ?? 100;
  return { readable: score > GUESS_SCORE || CONTAINERS.test(name), said: `${name} (probe score ${score})` };
}
