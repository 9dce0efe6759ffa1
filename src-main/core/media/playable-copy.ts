/**
 * Playable copies of imported clips. Chromium (and so Electron) plays only some containers and codecs; a clip
 * it cannot play (AVI, FLV, MPEG-2, ProRes MOV, H.265 or 10-bit H.264, ALAC …) gets a copy it can: WebM with
 * VP9 video and Opus audio, streams already in a WebM codec copied as they are. The copy keeps every frame at
 * its original time (no frame-rate conversion, `-vsync passthrough`), so frame numbers, the overlay and CSV
 * times mean the same in the copy and in the original. Clips that already play are never re-encoded.
 *
 * ffmpeg writes the copy to a pipe, never to a file: the bytes go through the session media writer (the one
 * place session media is written, which encryption at rest wraps), and the Matroska finisher adds the duration
 * and seek index that ffmpeg cannot write without seeking back. In an encrypted folder ffmpeg reads the original
 * through the folder's decrypting tap (crypto/media-tap.ts) and its output is sealed chunk by chunk as it
 * arrives: neither the original nor the copy is ever in clear on disk, and memory holds at most the writer's
 * first chunk (kept for the finisher's patch) and the chunk being sealed.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { ffmpegPath, openUntrustedInput, type ProbeResult, type ProbedStream } from './ffmpeg.js';
import { type Note, note, noteEnglish } from '../../../src-shared/i18n/notes.js';
import { finishMatroska } from './matroska-finish.js';
import { createSessionMediaFile } from './session-media-file.js';

export type StreamAction = 'copy' | 'encode' | null;

export type PlayablePlan =
  | { playable: true }
  | {
      playable: false;
      /** Why the browser cannot play the original, in English (logs, the command line). */
      reason: string;
      /** The same as a catalogue entry, for the interface. */
      reasonNote: Note;
      video: StreamAction;
      audio: StreamAction;
    };

/** Containers as ffprobe names them (format_name lists every alias). */
const has = (probe: ProbeResult, name: string): boolean => probe.formatName.split(',').includes(name);

/** H.264 as browsers decode it: 8-bit 4:2:0 only (no High 10, 4:2:2 or 4:4:4 profiles). */
const BROWSER_PIX_FMTS = new Set(['yuv420p', 'yuvj420p']);
const MP4_VIDEO = new Set(['h264', 'vp9', 'av1']);
const MP4_AUDIO = new Set(['aac', 'mp3', 'opus', 'flac']);
const WEBM_VIDEO = new Set(['vp8', 'vp9', 'av1']);
const WEBM_AUDIO = new Set(['opus', 'vorbis']);
const OGG_AUDIO = new Set(['opus', 'vorbis', 'flac']);
/** WAV as Chromium plays it: linear PCM, 8-bit unsigned to 32-bit float, and G.711. */
const WAV_AUDIO = new Set(['pcm_u8', 'pcm_s16le', 'pcm_s24le', 'pcm_s32le', 'pcm_f32le', 'pcm_mulaw', 'pcm_alaw']);

function videoPlays(v: ProbedStream, codecs: ReadonlySet<string>): boolean {
  if (!codecs.has(v.codec)) return false;
  return v.codec !== 'h264' || v.pixFmt === undefined || BROWSER_PIX_FMTS.has(v.pixFmt);
}

/** What a browser-side <video> would do with the first video and audio stream of the probed file. */
export function playablePlan(probe: ProbeResult): PlayablePlan {
  const v = probe.streams.find((s) => s.type === 'video');
  const a = probe.streams.find((s) => s.type === 'audio');
  let video: Set<string> | null = null;
  let audio: Set<string> | null = null;
  if (has(probe, 'mp4') || has(probe, 'mov')) [video, audio] = [MP4_VIDEO, MP4_AUDIO];
  else if (has(probe, 'webm') || has(probe, 'matroska')) [video, audio] = [WEBM_VIDEO, WEBM_AUDIO];
  else if (has(probe, 'ogg')) [video, audio] = [new Set<string>(), OGG_AUDIO];
  else if (has(probe, 'wav')) [video, audio] = [new Set<string>(), WAV_AUDIO];
  else if (has(probe, 'mp3')) [video, audio] = [new Set<string>(), new Set(['mp3'])];
  else if (has(probe, 'flac')) [video, audio] = [new Set<string>(), new Set(['flac'])];
  const videoOk = !v || (video !== null && videoPlays(v, video));
  const audioOk = !a || (audio !== null && audio.has(a.codec));
  if (videoOk && audioOk) return { playable: true };
  const container = probe.formatName.split(',')[0] || 'unknown';
  // Codec names are the same in every language; the sentence around them comes from the catalogues.
  const vName = !videoOk && v ? `${v.codec}${v.pixFmt && v.codec === 'h264' ? ` (${v.pixFmt})` : ''}` : null;
  const aName = !audioOk && a ? a.codec : null;
  const reasonNote =
    vName && aName
      ? note('corpus.reason.both', { container, video: vName, audio: aName })
      : vName
        ? note('corpus.reason.video', { container, video: vName })
        : note('corpus.reason.audio', { container, audio: aName ?? '' });
  return {
    playable: false,
    reason: noteEnglish(reasonNote),
    reasonNote,
    // Streams already in a WebM codec go into the copy as they are.
    video: v ? (WEBM_VIDEO.has(v.codec) ? 'copy' : 'encode') : null,
    audio: a ? (WEBM_AUDIO.has(a.codec) ? 'copy' : 'encode') : null,
  };
}

/** libopus's pre-skip, in samples at 48 kHz. */
const OPUS_PRESKIP = 312;

/** Seconds between keyframes in the copy: a seek decodes from the keyframe before it. */
const KEYFRAME_SECONDS = 2;

/**
 * ffmpeg's arguments for the copy, written as WebM to stdout; progress as key=value lines on fd 3. `inputArgs`:
 * openUntrustedInput's options up to and including `-i` (a stored clip in an encrypted folder is read through
 * its decrypting tap, never from a clear copy).
 */
export function playableCopyArgs(inputArgs: readonly string[], plan: Extract<PlayablePlan, { playable: false }>, threads: number): string[] {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-progress', 'pipe:3', ...inputArgs];
  // Titles, comments and chapter names often hold names: none of the original's metadata goes into the copy.
  args.push('-map_metadata', '-1', '-map_chapters', '-1', '-sn', '-dn');
  if (plan.video) {
    args.push('-map', '0:v:0', '-vsync', 'passthrough');
    if (plan.video === 'copy') args.push('-c:v', 'copy');
    else {
      args.push(
        // Review needs no more than 1080p; larger sources are scaled down (boxes are stored as fractions).
        '-vf', "scale=w='min(iw,1920)':h='min(ih,1920)':force_original_aspect_ratio=decrease,format=yuv420p",
        '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-threads', String(threads),
        '-crf', '32', '-b:v', '0',
        '-force_key_frames', `expr:gte(t,n_forced*${KEYFRAME_SECONDS})`,
        // The encoder counts time in 1/frame-rate ticks by default, which moves frames that are not on that grid
        // (an FLV's video 25 ms after its audio came out 40 ms after it): milliseconds, as WebM stores them.
        '-enc_time_base:v', '1:1000',
      );
    }
  }
  if (plan.audio) {
    args.push('-map', '0:a:0');
    if (plan.audio === 'copy') args.push('-c:a', 'copy');
    // Opus carries at most 2 channels without a channel mapping family browsers may not know. Its encoder
    // primes with 312 samples at 48 kHz that Matroska counts twice (block time and CodecDelay), so the copy's
    // audio would seem to start 13 ms early and move the media start, and with it every frame time: the audio
    // is placed that much later, so both streams start where the original's did (within a millisecond).
    else args.push('-af', `asetpts=PTS+${(2 * OPUS_PRESKIP) / 48000}/TB`, '-c:a', 'libopus', '-b:a', '96k', '-ac', '2', '-ar', '48000');
  }
  // Never shift timestamps to make them non-negative: the video keeps the times it had in the original.
  args.push('-avoid_negative_ts', 'disabled', '-f', 'webm', 'pipe:1');
  return args;
}

export interface PlayableCopyOptions {
  /** The original's duration, for progress (null: unknown, progress stays at 0 until done). */
  durationMs: number | null;
  /** Fraction 0..1 of the original converted so far. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Encoder threads (default: every core). */
  threads?: number;
}

export interface PlayableCopy {
  bytes: number;
  /** From the copy's own Matroska blocks (the last frame's end). */
  durationMs: number;
  hasVideo: boolean;
  hasAudio: boolean;
}

/** A copy that could not be made; `detail` is ffmpeg's own last words (technical, not translated). */
export class PlayableCopyError extends Error {
  constructor(readonly detail: string) {
    super(`ffmpeg could not make a playable copy: ${detail}`);
  }
}

/**
 * Converts `input` into a new session media file `dest` (which must not exist). A failure or a cancel leaves
 * no file; the error says why in ffmpeg's last words.
 */
export async function makePlayableCopy(input: string, dest: string, plan: Extract<PlayablePlan, { playable: false }>, opts: PlayableCopyOptions): Promise<PlayableCopy> {
  // All cores: the queue makes one copy at a time, never beside an analysis.
  const threads = opts.threads ?? Math.max(1, availableParallelism());
  if (opts.signal?.aborted) throw opts.signal.reason ?? new PlayableCopyError('cancelled');
  const source = await openUntrustedInput(input);
  try {
    return await runCopy(source.args, source.env, dest, plan, threads, opts);
  } finally {
    await source.release();
  }
}

async function runCopy(
  inputArgs: string[],
  env: NodeJS.ProcessEnv | undefined,
  dest: string,
  plan: Extract<PlayablePlan, { playable: false }>,
  threads: number,
  opts: PlayableCopyOptions,
): Promise<PlayableCopy> {
  // A cancel while the input was being opened (an abort listener added now would never fire).
  if (opts.signal?.aborted) throw opts.signal.reason ?? new PlayableCopyError('cancelled');
  // stdout is the copy itself (a pipe into the session media writer): ffmpeg never writes a file.
  const proc = spawn(ffmpegPath(), playableCopyArgs(inputArgs, plan, threads), { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const progress = proc.stdio[3] as Readable;
  let lines = '';
  progress.setEncoding('latin1');
  progress.on('data', (s: string) => {
    lines = (lines + s).slice(-4096);
    const parts = lines.split('\n');
    lines = parts.pop() ?? '';
    for (const l of parts) {
      // Numbers only: ffmpeg's progress report carries no text from the file.
      const m = /^out_time_us=(\d+)$/.exec(l.trim());
      if (m && opts.durationMs) opts.onProgress?.(Math.min(1, Number(m[1]) / 1000 / opts.durationMs));
    }
  });
  progress.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => resolve(code));
  });
  exited.catch(() => undefined);
  const onAbort = () => proc.kill('SIGKILL');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const sink = await createSessionMediaFile(dest);
  try {
    let finished;
    try {
      finished = await finishMatroska(proc.stdout as AsyncIterable<Buffer>, sink);
    } catch (e) {
      const code = await exited.catch(() => null);
      if (opts.signal?.aborted) throw opts.signal.reason ?? new PlayableCopyError('cancelled');
      const why = stderr.trim().split('\n').pop();
      throw new PlayableCopyError(why || (code === null ? (e as Error).message : `exit ${code}`));
    }
    const code = await exited;
    if (code !== 0) {
      await rm(dest, { force: true });
      throw new PlayableCopyError(stderr.trim().split('\n').pop() || `exit ${code}`);
    }
    opts.onProgress?.(1);
    return { bytes: finished.bytes, durationMs: finished.durationMs, hasVideo: plan.video !== null, hasAudio: plan.audio !== null };
  } catch (e) {
    await sink.abort();
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
