import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { ffmpegSourceFor } from '../crypto/media-mounts.js';
import { ProbeCache } from './probe-cache.js';

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

export type MediaToolsSource = 'environment' | 'platform' | 'bundled' | 'path';

let cached: { ffmpeg: string; ffprobe: string; source: MediaToolsSource } | null = null;

const EXE = process.platform === 'win32' ? '.exe' : '';

/**
 * A folder holding both ffmpeg and ffprobe from the platform: the PATH (absolute entries only), then where
 * package managers put them when a desktop app's PATH is short (Homebrew, /usr/local).
 */
export function platformMediaTools(envPath = process.env.PATH ?? ''): { ffmpeg: string; ffprobe: string } | null {
  const extra = process.platform === 'darwin' ? ['/opt/homebrew/bin', '/usr/local/bin'] : process.platform === 'linux' ? ['/usr/bin', '/usr/local/bin'] : [];
  const dirs = [...envPath.split(path.delimiter), ...extra].filter((d) => d && path.isAbsolute(d));
  for (const dir of dirs) {
    const ffmpeg = path.join(dir, `ffmpeg${EXE}`);
    const ffprobe = path.join(dir, `ffprobe${EXE}`);
    if (isExecutableFile(ffmpeg) && isExecutableFile(ffprobe)) return { ffmpeg, ffprobe };
  }
  return null;
}

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which ffmpeg/ffprobe decode media (untrusted clips included): an explicit AFFECT_FFMPEG/AFFECT_FFPROBE;
 * else the platform's, where installed, since a distribution patches it for security (Debian 12: 5.1.x);
 * else the builds shipped in the @ffmpeg-installer/@ffprobe-installer npm packages (no maintained npm
 * package ships a newer ffmpeg inside its tarball; see THIRD_PARTY_NOTICES); else whatever PATH finds.
 */
export function resolveMediaTools(): { ffmpeg: string; ffprobe: string; source: MediaToolsSource } {
  if (!cached) {
    const platform = platformMediaTools();
    const bundledFfmpeg = fromPackage('@ffmpeg-installer/ffmpeg');
    const bundledFfprobe = fromPackage('@ffprobe-installer/ffprobe');
    if (process.env.AFFECT_FFMPEG || process.env.AFFECT_FFPROBE) {
      cached = {
        ffmpeg: process.env.AFFECT_FFMPEG || platform?.ffmpeg || bundledFfmpeg || 'ffmpeg',
        ffprobe: process.env.AFFECT_FFPROBE || platform?.ffprobe || bundledFfprobe || 'ffprobe',
        source: 'environment',
      };
    } else if (platform) cached = { ...platform, source: 'platform' };
    else if (bundledFfmpeg && bundledFfprobe) cached = { ffmpeg: bundledFfmpeg, ffprobe: bundledFfprobe, source: 'bundled' };
    else cached = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', source: 'path' };
  }
  return cached;
}

export const ffmpegPath = (): string => resolveMediaTools().ffmpeg;
export const ffprobePath = (): string => resolveMediaTools().ffprobe;

/**
 * Demuxers allowed to open a file we decode: the clip containers the app imports (Matroska/WebM, MP4/MOV/M4A,
 * AVI, and the older corpus formats researchers hold: FLV, MPEG program and transport streams) and the audio
 * files it imports and the voice tools read (WAV, FLAC, Ogg/Opus, MP3). Each one is added deliberately, for a
 * clip type IMPORT_TYPES lists: nothing else in ffmpeg's long list parses untrusted bytes (no playlists, no
 * image sequences, no concat).
 */
export const DECODE_FORMATS = 'matroska,mov,avi,flv,mpeg,mpegts,wav,flac,ogg,mp3';

/**
 * ffmpeg/ffprobe options placed before `-i FILE` for every file the app decodes: only plain files may be
 * opened (no http, no concat/subfile/data tricks in a playlist-like file reading other local files), and
 * only the demuxers above.
 */
export function untrustedInput(file: string): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', DECODE_FORMATS, '-i', file];
}

/** A file opened for ffmpeg: its options up to `-i`, the environment to run with, and what ends the access. */
export interface OpenedInput {
  args: string[];
  env: NodeJS.ProcessEnv | undefined;
  release(): Promise<void>;
}

/**
 * untrustedInput for any file, including one in an encrypted data folder: that one is read through its
 * folder's decrypting tap (http on the loopback, allowed for that input only; see crypto/media-tap.ts), a
 * file anywhere else as a plain file. Call release() when ffmpeg is done.
 */
export async function openUntrustedInput(file: string): Promise<OpenedInput> {
  const src = await ffmpegSourceFor(file);
  return { args: ['-protocol_whitelist', src.protocols, '-format_whitelist', DECODE_FORMATS, '-i', src.url], env: src.env, release: src.release };
}

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
  /** Display rotation in degrees (display matrix or rotate tag), as ffmpeg applies it when decoding. */
  rotation?: number;
  /** Pixel format of a video stream (e.g. yuv420p): browsers play only some. */
  pixFmt?: string;
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

/** A probe that takes longer than this is a hostile or broken file, not a slow disk. */
export const PROBE_TIMEOUT_MS = 60_000;

function rotationOf(s: Record<string, unknown>): number | undefined {
  const side = Array.isArray(s.side_data_list) ? (s.side_data_list as Array<Record<string, unknown>>) : [];
  const fromMatrix = side.find((d) => typeof d.rotation === 'number')?.rotation as number | undefined;
  const tag = (s.tags as Record<string, unknown> | undefined)?.rotate;
  const r = fromMatrix ?? (typeof tag === 'string' ? Number(tag) : undefined);
  return r !== undefined && Number.isFinite(r) ? r : undefined;
}

const probes = new ProbeCache<ProbeResult>();

/**
 * Reads container and stream facts; throws MediaProbeError with ffprobe's words for unreadable files. A file
 * probed moments ago and unchanged since is answered from memory (probe-cache.ts).
 */
export async function probeMedia(file: string): Promise<ProbeResult> {
  return probes.get(file, ffprobePath(), () => runProbe(file));
}

/**
 * Renames `from` to `to` (then runs `after`, e.g. a mode change) and keeps its probe: the app's own move of a
 * checked file is not a new file (probe-cache.ts `moved`).
 */
export async function moveProbedFile(from: string, to: string, after: () => void = () => undefined): Promise<void> {
  await probes.moved(from, to, () => {
    renameSync(from, to);
    after();
  });
}

async function runProbe(file: string): Promise<ProbeResult> {
  let stdout: string;
  const input = await openUntrustedInput(file);
  try {
    ({ stdout } = await run(ffprobePath(), ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...input.args], {
      maxBuffer: 16 * 1024 * 1024,
      timeout: PROBE_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      env: input.env,
    }));
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new MediaProbeError(`Cannot read media file: ${(err.stderr || err.message).trim().split('\n').pop()}`);
  } finally {
    await input.release();
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
      rotation: rotationOf(s),
      pixFmt: typeof s.pix_fmt === 'string' ? s.pix_fmt : undefined,
    };
  });
  const d = json.format?.duration ? Number(json.format.duration) : NaN;
  return { formatName: json.format?.format_name ?? '', durationMs: Number.isFinite(d) ? d * 1000 : null, streams };
}

/**
 * How far a file's audio and video actually go, in ms: every packet is read (no decoding: `-c copy` into the
 * null muxer, so it runs at disk speed) and ffmpeg's own progress report (key=value lines, no file text)
 * gives the end. A truncated file's container may still claim its full length; this does not.
 */
export async function measureMediaExtentMs(file: string, timeoutMs = 10 * 60_000): Promise<number | null> {
  const input = await openUntrustedInput(file).catch(() => null);
  if (!input) return null;
  try {
    const { stdout } = await run(
      ffmpegPath(),
      ['-hide_banner', '-nostdin', '-loglevel', 'error', ...input.args, '-map', '0:v?', '-map', '0:a?', '-c', 'copy', '-f', 'null', '-progress', 'pipe:1', '-nostats', '-'],
      { maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL', env: input.env },
    );
    const last = stdout.split('\n').filter((l) => l.startsWith('out_time_us=')).pop();
    const us = last ? Number(last.slice('out_time_us='.length)) : NaN;
    return Number.isFinite(us) && us >= 0 ? us / 1000 : null;
  } catch {
    return null;
  } finally {
    await input.release();
  }
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
