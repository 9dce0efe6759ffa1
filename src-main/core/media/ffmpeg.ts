import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** Inside a packaged app the binaries live in app.asar.unpacked, since nothing can be executed from an asar. */
function unpacked(p: string): string {
  return p.replace(`app.asar${'/'}`, `app.asar.unpacked${'/'}`).replace('app.asar\\', 'app.asar.unpacked\\');
}

function fromPackage(pkg: string): string | null {
  try {
    const mod = require(pkg) as { path?: string };
    return mod.path && existsSync(unpacked(mod.path)) ? unpacked(mod.path) : null;
  } catch {
    return null;
  }
}

let cached: { ffmpeg: string; ffprobe: string } | null = null;

/**
 * Which ffmpeg/ffprobe the core runs: an explicit AFFECT_FFMPEG/AFFECT_FFPROBE, else the binaries shipped in
 * the @ffmpeg-installer/@ffprobe-installer npm packages, else whatever is on PATH.
 */
function resolveBinaries(): { ffmpeg: string; ffprobe: string } {
  if (!cached) {
    cached = {
      ffmpeg: process.env.AFFECT_FFMPEG || fromPackage('@ffmpeg-installer/ffmpeg') || 'ffmpeg',
      ffprobe: process.env.AFFECT_FFPROBE || fromPackage('@ffprobe-installer/ffprobe') || 'ffprobe',
    };
  }
  return cached;
}

export const ffmpegPath = (): string => resolveBinaries().ffmpeg;
export const ffprobePath = (): string => resolveBinaries().ffprobe;

export interface ProbedStream {
  index: number;
  type: 'video' | 'audio' | 'other';
  codec: string;
  width?: number;
  height?: number;
  sampleRate?: number;
  channels?: number;
  /** Average frame rate as reported by the container, frames per second. */
  avgFrameRate?: number;
}

export interface ProbeResult {
  formatName: string;
  durationMs: number | null;
  streams: ProbedStream[];
}

export class MediaProbeError extends Error {}

function parseRate(r: unknown): number | undefined {
  if (typeof r !== 'string') return undefined;
  const [n, d] = r.split('/').map(Number);
  return d ? n / d : undefined;
}

/** Reads container and stream facts; throws MediaProbeError with ffprobe's words for unreadable files. */
export async function probeMedia(file: string): Promise<ProbeResult> {
  let stdout: string;
  try {
    ({ stdout } = await run(ffprobePath(), ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], {
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new MediaProbeError(`Cannot read media file: ${(err.stderr || err.message).trim().split('\n').pop()}`);
  }
  const json = JSON.parse(stdout) as {
    format?: { format_name?: string; duration?: string };
    streams?: Array<Record<string, unknown>>;
  };
  const streams: ProbedStream[] = (json.streams ?? []).map((s) => {
    const type = s.codec_type === 'video' ? 'video' : s.codec_type === 'audio' ? 'audio' : 'other';
    return {
      index: Number(s.index),
      type,
      codec: String(s.codec_name ?? ''),
      width: typeof s.width === 'number' ? s.width : undefined,
      height: typeof s.height === 'number' ? s.height : undefined,
      sampleRate: s.sample_rate ? Number(s.sample_rate) : undefined,
      channels: typeof s.channels === 'number' ? s.channels : undefined,
      avgFrameRate: parseRate(s.avg_frame_rate),
    };
  });
  const d = json.format?.duration ? Number(json.format.duration) : NaN;
  return { formatName: json.format?.format_name ?? '', durationMs: Number.isFinite(d) ? d * 1000 : null, streams };
}

/** Runs ffmpeg to completion; rejects with its last stderr line. */
export async function runFfmpeg(args: string[]): Promise<void> {
  try {
    await run(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], { maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`ffmpeg failed: ${(err.stderr || err.message).trim().split('\n').pop()}`);
  }
}
