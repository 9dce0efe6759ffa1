/**
 * Clip types that can be imported, by extension. Each needs its demuxer in DECODE_FORMATS
 * (src-main/core/media/ffmpeg.ts); a clip the app cannot play as it is gets a playable copy at import.
 */
export const IMPORT_TYPES: Readonly<Record<string, string>> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.3gp': 'video/3gpp',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
  '.flv': 'video/x-flv',
  '.mpg': 'video/mpeg',
  '.mpeg': 'video/mpeg',
  '.ts': 'video/mp2t',
  '.mts': 'video/mp2t',
  '.m2ts': 'video/mp2t',
  // Audio only: voice analysis alone, a waveform in Review.
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.weba': 'audio/webm',
};

export const IMPORT_EXTENSIONS = Object.keys(IMPORT_TYPES);

/** Whether a file name has an importable clip's extension (folder imports skip everything else). */
export function isImportableName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && Object.prototype.hasOwnProperty.call(IMPORT_TYPES, name.slice(dot).toLowerCase());
}
