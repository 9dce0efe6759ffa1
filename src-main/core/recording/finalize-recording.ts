import { chmodSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { HEADER_BYTES } from '../crypto/media-header.js';
import { ClearMediaStore, type MediaStore } from '../crypto/media-store.js';
import { DECODE_FORMATS, probeMedia, runFfmpeg, untrustedInput } from '../media/ffmpeg.js';
import { ffmpegStream } from '../media/ffmpeg-stream.js';
import { finishMatroska } from '../media/matroska-finish.js';
import { isDiskFull } from './disk-space.js';
import { RECORDING_FILE, RECORDING_PART } from './session-folder.js';

export interface FinalizedRecording {
  fileName: string;
  bytes: number;
  durationMs: number | null;
  hasVideo: boolean;
  hasAudio: boolean;
  /** Problems worth telling the user (e.g. the file could not be made seekable). */
  warnings: string[];
}

/**
 * Turns the streamed chunk file into the session's recording. MediaRecorder's WebM has no duration or cues
 * (players cannot seek it well), so it is remuxed without re-encoding; if that fails the raw chunks are kept
 * as they are, since concatenated chunks are themselves a playable WebM stream. Returns null when no media
 * data was written at all.
 */
export async function finalizeRecording(folder: string, media: MediaStore = new ClearMediaStore()): Promise<FinalizedRecording | null> {
  if (media.encrypted) return finalizeEncrypted(folder, media);
  const part = path.join(folder, RECORDING_PART);
  const final = path.join(folder, RECORDING_FILE);
  const warnings: string[] = [];
  if (existsSync(part)) {
    if (statSync(part).size === 0) {
      rmSync(part);
      return existsSync(final) ? describe(final, warnings, media) : null;
    }
    const tmp = path.join(folder, 'recording.remux.webm');
    try {
      await runFfmpeg(['-y', '-fflags', '+genpts', ...untrustedInput(part), '-map', '0', '-c', 'copy', '-f', 'webm', tmp]);
      const probed = await probeMedia(tmp);
      if (!probed.streams.length) throw new Error('remuxed file has no streams');
      if (process.platform !== 'win32') chmodSync(tmp, 0o600);
      renameSync(tmp, final);
      rmSync(part);
    } catch (e) {
      rmSync(tmp, { force: true });
      warnings.push(`The recording could not be indexed for seeking (${(e as Error).message}); the raw stream was kept.`);
      renameSync(part, final);
    }
  }
  if (!existsSync(final)) return null;
  return describe(final, warnings, media);
}

/** Chunks lost beyond the one a crash can tear (MediaRecorder chunks are at most 16 MiB) are worth a word. */
const TORN_WARNING_BYTES = 16 * 1024 * 1024;

/**
 * The same for an encrypted folder, where the chunks are an encrypted journal and nothing may be written in
 * clear: the journal is decrypted into ffmpeg's stdin, ffmpeg remuxes to its stdout, and its streamed WebM is
 * finished (duration, cues) and encrypted on the way to the file (media/matroska-finish.ts). The fallback
 * keeps the raw chunks, encrypted, as the recording.
 */
async function finalizeEncrypted(folder: string, media: MediaStore): Promise<FinalizedRecording | null> {
  const part = path.join(folder, RECORDING_PART);
  const final = path.join(folder, RECORDING_FILE);
  const tmp = path.join(folder, 'recording.remux.webm');
  const warnings: string[] = [];
  if (existsSync(part)) {
    if (statSync(part).size <= HEADER_BYTES) {
      rmSync(part);
      return existsSync(final) ? describe(final, warnings, media) : null;
    }
    const read = { bytes: 0, tornBytes: 0 };
    rmSync(tmp, { force: true });
    try {
      const ff = ffmpegStream(
        ['-fflags', '+genpts', '-protocol_whitelist', 'pipe', '-format_whitelist', DECODE_FORMATS, '-i', 'pipe:0', '-map', '0', '-c', 'copy', '-f', 'webm', 'pipe:1'],
        media.readJournal(part, read),
      );
      const out = await media.create(tmp, { deferHead: true });
      try {
        await finishMatroska(ff.stdout, { headBytes: out.headBytes, write: (d) => out.write(d), close: (p) => out.close(p) });
        await ff.done;
      } catch (e) {
        ff.kill();
        await out.abort();
        throw e;
      }
      const probed = await probeMedia(tmp);
      if (!probed.streams.length) throw new Error('remuxed file has no streams');
      renameSync(tmp, final);
    } catch (e) {
      rmSync(tmp, { force: true });
      // A full disk fails the raw copy too: the journal stays, untouched, for a later try.
      if (isDiskFull(e)) throw e;
      warnings.push(`The recording could not be indexed for seeking (${(e as Error).message}); the raw stream was kept.`);
      const raw = await media.create(tmp);
      try {
        for await (const b of media.readJournal(part)) await raw.write(b);
        await raw.close();
      } catch (again) {
        await raw.abort();
        throw again;
      }
      renameSync(tmp, final);
    }
    rmSync(part);
    if (read.tornBytes > TORN_WARNING_BYTES) warnings.push(`${(read.tornBytes / 2 ** 20).toFixed(1)} MB at the end of the recording could not be read (damaged) and were left out.`);
  }
  if (!existsSync(final)) return null;
  return describe(final, warnings, media);
}

/** Size of the media itself (an encrypted file's plaintext), as the session lists it. */
async function mediaBytes(file: string, media: MediaStore): Promise<number> {
  try {
    const r = await media.open(file);
    await r.close();
    return r.size;
  } catch {
    return statSync(file).size;
  }
}

async function describe(file: string, warnings: string[], media: MediaStore): Promise<FinalizedRecording> {
  const bytes = await mediaBytes(file, media);
  try {
    const probed = await probeMedia(file);
    return {
      fileName: path.basename(file),
      bytes,
      durationMs: probed.durationMs,
      hasVideo: probed.streams.some((s) => s.type === 'video'),
      hasAudio: probed.streams.some((s) => s.type === 'audio'),
      warnings,
    };
  } catch (e) {
    warnings.push((e as Error).message);
    return { fileName: path.basename(file), bytes, durationMs: null, hasVideo: false, hasAudio: false, warnings };
  }
}
