/**
 * Decodes a media file's first video stream into RGB frames with the media's own timestamps, using the
 * ffmpeg binary from ffmpeg.ts. Frames are read from a raw pipe; each frame's time comes from ffmpeg's
 * showinfo filter (pts_time, relative to the file's start), so variable-frame-rate media keeps its real times
 * and no frame is invented or dropped by a constant-rate output (`-vsync passthrough`). showinfo sits before
 * the scaler, where its per-frame checksums are cheaper; the output size comes from ffmpeg's description of
 * the output stream.
 *
 * Sampling at an analysis rate keeps the first frame of every 1/rate-second bin (original frames with their
 * original times, never resampled copies). Frames are downscaled so the short side is at most maxShortSide,
 * the same limit the live path uses, so face sizes mean the same in both.
 */
import { spawn } from 'node:child_process';
import { ffmpegPath } from './ffmpeg.js';

export interface DecodedFrame {
  /** Milliseconds from the media start. */
  tMs: number;
  width: number;
  height: number;
  /** Packed RGB, 3 bytes per pixel. */
  rgb: Uint8Array;
  /** 0-based index among the decoded (selected) frames. */
  index: number;
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

/** Frame time in ms from one showinfo line; null for other log lines. */
export function parseShowinfo(line: string): number | null {
  if (!line.includes('Parsed_showinfo') || !line.includes(' n:')) return null;
  const pts = /pts_time:\s*(-?[\d.]+(?:e[-+]?\d+)?)/.exec(line);
  return pts ? Number(pts[1]) * 1000 : null;
}

/** Size of the raw output stream from ffmpeg's "Output #0 … Stream #0:0: Video: rawvideo …, WxH" lines. */
export function parseOutputSize(line: string): { width: number; height: number } | null {
  const m = /Stream #\d+:\d+.*?: Video: rawvideo.*?, (\d+)x(\d+)/.exec(line);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

export function filterChain(opts: VideoFrameOptions): string {
  const maxShort = opts.maxShortSide ?? 480;
  const parts: string[] = [];
  if (opts.rateHz !== undefined) {
    if (!(opts.rateHz > 0)) throw new VideoDecodeError('Analysis rate must be a positive number of frames per second');
    const r = opts.rateHz;
    parts.push(`select='isnan(prev_selected_t)+gt(floor(t*${r}),floor(prev_selected_t*${r}))'`);
  }
  // Short side to at most maxShort, keeping the aspect ratio and even sizes; never upscale.
  parts.push(
    'showinfo',
    `scale='if(lte(iw,ih),min(iw,${maxShort}),-2)':'if(lte(iw,ih),-2,min(ih,${maxShort}))':flags=area`,
    'format=rgb24',
  );
  return parts.join(',');
}

/** Yields frames in presentation order. Stops ffmpeg when the consumer stops early or the signal aborts. */
export async function* decodeVideoFrames(file: string, opts: VideoFrameOptions = {}): AsyncGenerator<DecodedFrame> {
  const readAhead = opts.readAhead ?? 16;
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-i', file, '-map', '0:v:0', '-an', '-sn', '-dn'];
  args.push('-vf', filterChain(opts), '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  const proc = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });

  const times: number[] = [];
  // An object, not a `let`: it is filled in by the stderr handler, which control-flow analysis cannot see.
  const out: { size: { width: number; height: number } | null } = { size: null };
  let inOutputSection = false;
  const chunks: Buffer[] = [];
  let buffered = 0;
  let stderrTail = '';
  let lineBuf = '';
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
    lineBuf += s;
    const lines = lineBuf.split(/\r?\n/);
    lineBuf = lines.pop() ?? '';
    for (const line of lines) {
      const t = parseShowinfo(line);
      if (t !== null) {
        times.push(t);
        continue;
      }
      if (line.startsWith('Output #0')) inOutputSection = true;
      else if (inOutputSection && !out.size) out.size = parseOutputSize(line);
      if (line.trim()) stderrTail = `${stderrTail}\n${line}`.slice(-2000);
    }
    notify();
  });
  proc.stdout.on('data', (b: Buffer) => {
    chunks.push(b);
    buffered += b.length;
    const frameBytes = out.size ? out.size.width * out.size.height * 3 : 640 * 480 * 3;
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

  /** Takes exactly n bytes off the front of the chunk queue. */
  const take = (n: number): Uint8Array => {
    const bytes = new Uint8Array(n);
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
      const size = out.size;
      const need = size ? size.width * size.height * 3 : Infinity;
      if (size && times.length && buffered >= need) {
        const tMs = times.shift()!;
        const rgb = take(need);
        if (proc.stdout.isPaused() && buffered < readAhead * need) proc.stdout.resume();
        yield { tMs, width: size.width, height: size.height, rgb, index: index++ };
        continue;
      }
      if (spawnError) throw new VideoDecodeError(`Cannot run ffmpeg: ${(spawnError as Error).message}`);
      if (exited) {
        if (exitCode !== 0) throw new VideoDecodeError(`ffmpeg could not decode ${file}: ${stderrTail.trim().split('\n').pop() ?? `exit ${exitCode}`}`);
        if (buffered > 0 || times.length) throw new VideoDecodeError(`ffmpeg output for ${file} ended mid-frame (${buffered} bytes, ${times.length} frame times left)`);
        return;
      }
      if (proc.stdout.isPaused()) proc.stdout.resume();
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (!exited) proc.kill('SIGKILL');
  }
}
