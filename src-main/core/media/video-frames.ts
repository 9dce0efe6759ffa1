/**
 * Decodes a media file's first video stream into RGB frames with the media's own timestamps, using the
 * ffmpeg binary from ffmpeg.ts. Nothing is read from ffmpeg's log, which echoes the file's own metadata
 * (a title can hold any text, including lines that look like frame reports):
 *
 * - the output size is decided here, from ffprobe's JSON (rotation included), and forced with scale=W:H, so
 *   every frame is exactly W·H·3 bytes whatever the file claims or changes to mid-stream;
 * - each frame's time comes from a second output of the same filter graph (a split cropped to 2×2: a crop
 *   only moves pointers, where scaling the whole frame down to 2×2 doubled ffmpeg's CPU time) written
 *   as `framecrc` to pipe 3: numbers only, in the time base its header states, one line per frame in the
 *   same order as the raw frames on stdout. `-vsync passthrough` keeps variable-frame-rate media's real
 *   times and never invents or drops a frame.
 *
 * Frames are streamed: ffmpeg is paused once `readAhead` frames wait unread, so memory stays bounded by the
 * frame size. Sampling at an analysis rate keeps the first frame of every 1/rate-second bin (original frames
 * with their original times, never resampled copies). Frames are downscaled so the short side is at most
 * maxShortSide, the same limit the live path uses, so face sizes mean the same in both.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { ffmpegPath, MediaProbeError, openUntrustedInput, probeMedia } from './ffmpeg.js';

export interface DecodedFrame {
  /** Milliseconds from the media start. */
  tMs: number;
  width: number;
  height: number;
  /** Packed RGB, 3 bytes per pixel. */
  rgb: Uint8Array;
  /** 0-based index among the decoded (selected) frames. */
  index: number;
  /**
   * Hands `rgb` back for a later frame of the same decode (the caller no longer reads it). Optional: a frame never
   * released is simply collected. Saves allocating and collecting ~1 MB per 640×480 frame.
   */
  release(): void;
}

export interface VideoFrameOptions {
  /** Analysis rate in Hz; omitted: every frame. */
  rateHz?: number;
  /** Default 480. */
  maxShortSide?: number;
  signal?: AbortSignal;
  /** Frames decoded ahead of the consumer before ffmpeg is paused. */
  readAhead?: number;
}

export class VideoDecodeError extends Error {}

/** The longest side a decoded frame may have (a forged aspect ratio cannot make frames huge). */
export const MAX_LONG_SIDE = 4096;

/**
 * The decoded frame size: the displayed size (width/height swapped for a 90° rotation, as ffmpeg rotates
 * while decoding), short side at most maxShort, long side keeping the aspect ratio rounded to even like
 * ffmpeg's scale=-2, and never more than MAX_LONG_SIDE.
 */
export function outputSize(width: number, height: number, rotation = 0, maxShort = 480): { width: number; height: number } {
  if (!(width > 0 && height > 0)) throw new VideoDecodeError('The video stream has no frame size');
  const quarter = Math.round(Math.abs(rotation) / 90) % 2 === 1;
  const [w, h] = quarter ? [height, width] : [width, height];
  const even = (x: number) => Math.max(2, Math.min(MAX_LONG_SIDE, Math.round(x / 2) * 2));
  if (w <= h) {
    const W = Math.min(w, maxShort);
    return { width: W, height: even((W * h) / w) };
  }
  const H = Math.min(h, maxShort);
  return { width: even((H * w) / h), height: H };
}

export function filterGraph(opts: VideoFrameOptions, size: { width: number; height: number }): string {
  const parts: string[] = [];
  if (opts.rateHz !== undefined) {
    if (!(opts.rateHz > 0)) throw new VideoDecodeError('Analysis rate must be a positive number of frames per second');
    const r = opts.rateHz;
    parts.push(`select='isnan(prev_selected_t)+gt(floor(t*${r}),floor(prev_selected_t*${r}))'`);
  }
  parts.push(`scale=${size.width}:${size.height}:flags=area`, 'format=rgb24', 'split=2[frames][times]');
  return `[0:v:0]${parts.join(',')};[times]crop=2:2:0:0,format=gray[stamps]`;
}

/**
 * Reads framecrc lines: `#tb 0: N/D` sets the time base, `0, dts, pts, duration, size, crc` is one frame.
 * Returns the frame time in ms, or null for header lines; throws on anything else.
 */
export class FrameTimes {
  private tb: [number, number] | null = null;

  line(text: string): number | null {
    if (!text || text.startsWith('#')) {
      const m = /^#tb 0: (\d+)\/(\d+)$/.exec(text);
      if (m) this.tb = [Number(m[1]), Number(m[2])];
      return null;
    }
    const f = /^0,\s*-?\d+,\s*(-?\d+),/.exec(text);
    if (!f || !this.tb || this.tb[1] === 0) throw new VideoDecodeError(`Unexpected frame timing line from ffmpeg: ${text.slice(0, 80)}`);
    return (Number(f[1]) * this.tb[0] * 1000) / this.tb[1];
  }
}

/** The size frames will have: from ffprobe's JSON, never from ffmpeg's log. */
async function frameSize(file: string, maxShort: number): Promise<{ width: number; height: number }> {
  let probe;
  try {
    probe = await probeMedia(file);
  } catch (e) {
    throw new VideoDecodeError(`ffmpeg could not decode ${file}: ${e instanceof MediaProbeError ? e.message : String(e)}`);
  }
  const v = probe.streams.find((x) => x.type === 'video');
  if (!v) throw new VideoDecodeError(`${file} has no video stream`);
  return outputSize(v.width ?? 0, v.height ?? 0, v.rotation ?? 0, maxShort);
}

/** Released frame buffers kept for reuse (the face stage releases 8 as each batch is finished); more are collected. */
const MAX_SPARE_FRAMES = 24;

/** Yields frames in presentation order. Stops ffmpeg when the consumer stops early or the signal aborts. */
export async function* decodeVideoFrames(file: string, opts: VideoFrameOptions = {}): AsyncGenerator<DecodedFrame> {
  const readAhead = opts.readAhead ?? 16;
  const size = await frameSize(file, opts.maxShortSide ?? 480);
  const frameBytes = size.width * size.height * 3;
  const input = await openUntrustedInput(file);
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', ...input.args, '-filter_complex', filterGraph(opts, size)];
  args.push('-map', '[frames]', '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  args.push('-map', '[stamps]', '-vsync', 'passthrough', '-enc_time_base', '-1', '-c:v', 'rawvideo', '-f', 'framecrc', 'pipe:3');
  if (opts.signal?.aborted) throw new DOMException('Media analysis was cancelled', 'AbortError');
  const proc = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: input.env }) as ChildProcessByStdio<null, Readable, Readable>;
  const stamps = proc.stdio[3] as Readable;

  const times: number[] = [];
  const parser = new FrameTimes();
  const chunks: Buffer[] = [];
  let buffered = 0;
  let stderrTail = '';
  let lineBuf = '';
  let timingError: Error | null = null;
  let exited = false;
  let exitCode: number | null = null;
  let spawnError: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (s: string) => {
    stderrTail = `${stderrTail}${s}`.slice(-2000);
  });
  stamps.setEncoding('latin1');
  stamps.on('data', (s: string) => {
    lineBuf += s;
    const lines = lineBuf.split('\n');
    lineBuf = lines.pop() ?? '';
    if (lineBuf.length > 4096) timingError = new VideoDecodeError('ffmpeg wrote an overlong frame timing line');
    try {
      for (const line of lines) {
        const t = parser.line(line.trim());
        if (t !== null) times.push(t);
      }
    } catch (e) {
      timingError = e as Error;
      proc.kill('SIGKILL');
    }
    notify();
  });
  stamps.on('error', () => {});
  proc.stdout.on('data', (b: Buffer) => {
    chunks.push(b);
    buffered += b.length;
    if (buffered > readAhead * frameBytes) proc.stdout.pause();
    notify();
  });
  proc.on('error', (e) => {
    spawnError = e;
    notify();
  });
  proc.on('close', (code) => {
    exited = true;
    exitCode = code;
    notify();
  });
  const onAbort = () => proc.kill('SIGKILL');
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  // Buffers of released frames, refilled whole by take().
  const spare: Uint8Array[] = [];
  /** Takes exactly n bytes off the front of the chunk queue. */
  const take = (n: number): Uint8Array => {
    const bytes = spare.pop() ?? new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = chunks[0];
      const k = Math.min(c.length, n - filled);
      bytes.set(c.subarray(0, k), filled);
      filled += k;
      if (k === c.length) chunks.shift();
      else chunks[0] = c.subarray(k);
    }
    buffered -= n;
    return bytes;
  };

  let index = 0;
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new DOMException('Media analysis was cancelled', 'AbortError');
      if (timingError) throw timingError;
      if (times.length && buffered >= frameBytes) {
        const tMs = times.shift()!;
        const rgb = take(frameBytes);
        if (proc.stdout.isPaused() && buffered < readAhead * frameBytes) proc.stdout.resume();
        let released = false;
        const release = () => {
          if (released || spare.length >= MAX_SPARE_FRAMES) return;
          released = true;
          spare.push(rgb);
        };
        yield { tMs, width: size.width, height: size.height, rgb, index: index++, release };
        continue;
      }
      if (spawnError) throw new VideoDecodeError(`Cannot run ffmpeg: ${(spawnError as Error).message}`);
      if (exited) {
        if (exitCode !== 0) throw new VideoDecodeError(`ffmpeg could not decode ${file}: ${stderrTail.trim().split('\n').pop() ?? `exit ${exitCode}`}`);
        if (buffered > 0 || times.length) throw new VideoDecodeError(`ffmpeg output for ${file} ended mid-frame (${buffered} bytes, ${times.length} frame times left)`);
        return;
      }
      if (proc.stdout.isPaused() && buffered < readAhead * frameBytes) proc.stdout.resume();
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (!exited) proc.kill('SIGKILL');
    await input.release();
  }
}
