import { spawn } from 'node:child_process';
import { concatFloat32 } from '../../../src-shared/float32.js';
import { ffmpegPath, openUntrustedInput } from './ffmpeg.js';

export const DECODE_SAMPLE_RATE = 16000;

export class AudioDecodeError extends Error {}

export interface DecodeOptions {
  signal?: AbortSignal;
  /** Samples per yielded block (default 1 s). */
  blockSamples?: number;
}

/** ffmpeg's last stderr line, reworded where a user would not understand it. */
function explain(stderr: string, file: string): string {
  const last = stderr.trim().split('\n').pop() ?? '';
  if (/matches no streams/i.test(stderr)) return `${file} has no audio track`;
  if (/No such file or directory/i.test(stderr)) return `${file} does not exist`;
  if (/Invalid data found/i.test(stderr)) return `${file} is not a media file ffmpeg can read`;
  return `Could not decode the audio of ${file}: ${last || 'ffmpeg failed'}`;
}

/**
 * The first audio track of a media file as 16 kHz mono float32, yielded block by block while ffmpeg decodes,
 * so an hour-long file never sits in memory whole. Sample 0 is media time 0: `aresample=async=1:first_pts=0`
 * pads a late-starting track and any gap in its timestamps with silence, so sample n is at n/16 ms on the
 * media clock (the same axis as video frame times).
 */
export async function* decodeAudio16k(file: string, opts: DecodeOptions = {}): AsyncGenerator<Float32Array, void, void> {
  const blockBytes = (opts.blockSamples ?? DECODE_SAMPLE_RATE) * 4;
  if (opts.signal?.aborted) throw new AudioDecodeError('Decoding was cancelled');
  const input = await openUntrustedInput(file);
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', ...input.args, '-map', '0:a:0', '-vn', '-sn', '-dn'];
  args.push('-af', `aresample=${DECODE_SAMPLE_RATE}:async=1:first_pts=0`, '-ac', '1', '-ar', String(DECODE_SAMPLE_RATE), '-f', 'f32le', 'pipe:1');
  const proc = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'], env: input.env });
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d: string) => {
    if (stderr.length < 64 * 1024) stderr += d;
  });
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    proc.on('error', (error) => resolve({ code: null, error }));
    proc.on('close', (code) => resolve({ code }));
  });
  const onAbort = (): void => {
    proc.kill('SIGKILL');
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let pending: Buffer = Buffer.alloc(0);
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= blockBytes) {
        yield toFloat32(pending.subarray(0, blockBytes));
        pending = pending.subarray(blockBytes);
      }
    }
    const { code, error } = await exited;
    if (opts.signal?.aborted) throw new AudioDecodeError('Decoding was cancelled');
    if (error) throw new AudioDecodeError(`Cannot run ffmpeg (${ffmpegPath()}): ${error.message}`);
    if (code !== 0) throw new AudioDecodeError(explain(stderr, file));
    const whole = pending.length - (pending.length % 4);
    if (whole > 0) yield toFloat32(pending.subarray(0, whole));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await input.release();
  }
}

/** Copies into an aligned Float32Array (Buffer slices are not 4-byte aligned in general). */
function toFloat32(bytes: Buffer): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** The whole audio track in one array, for short clips (tests, training dumps); long media goes block by block. */
export async function decodeAudio16kWhole(file: string, opts: DecodeOptions = {}): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const b of decodeAudio16k(file, opts)) parts.push(b);
  return concatFloat32(parts);
}
