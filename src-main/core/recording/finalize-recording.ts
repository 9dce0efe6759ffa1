import { chmodSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { probeMedia, runFfmpeg, untrustedInput } from '../media/ffmpeg.js';
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
export async function finalizeRecording(folder: string): Promise<FinalizedRecording | null> {
  const part = path.join(folder, RECORDING_PART);
  const final = path.join(folder, RECORDING_FILE);
  const warnings: string[] = [];
  if (existsSync(part)) {
    if (statSync(part).size === 0) {
      rmSync(part);
      return existsSync(final) ? describe(final, warnings) : null;
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
  return describe(final, warnings);
}

async function describe(file: string, warnings: string[]): Promise<FinalizedRecording> {
  const bytes = statSync(file).size;
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
