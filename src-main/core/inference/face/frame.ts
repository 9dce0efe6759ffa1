/**
 * Frames as the face pipeline sees them: packed 8-bit RGB or RGBA, row-major, with their media time.
 */
export interface FrameInput {
  /** Milliseconds from the media start, taken from the media's own timestamps. */
  tMs: number;
  width: number;
  height: number;
  rgba?: Uint8Array;
  rgb?: Uint8Array;
}

export interface PixelFrame {
  tMs: number;
  width: number;
  height: number;
  data: Uint8Array;
  /** Bytes per pixel: 3 (RGB) or 4 (RGBA; alpha is ignored). */
  channels: 3 | 4;
}

export class FrameFormatError extends Error {}

/** Checks sizes so a malformed frame fails with words, not with garbage probabilities. */
export function toPixelFrame(f: FrameInput): PixelFrame {
  if (!Number.isFinite(f.tMs)) throw new FrameFormatError('Frame time must be a finite number of milliseconds');
  if (!Number.isInteger(f.width) || !Number.isInteger(f.height) || f.width <= 0 || f.height <= 0) {
    throw new FrameFormatError(`Frame size ${f.width}x${f.height} is not valid`);
  }
  const data = f.rgba ?? f.rgb;
  const channels = f.rgba ? 4 : 3;
  if (!data) throw new FrameFormatError('Frame has neither rgba nor rgb pixels');
  if (data.byteLength !== f.width * f.height * channels) {
    throw new FrameFormatError(`Frame of ${f.width}x${f.height} needs ${f.width * f.height * channels} bytes, got ${data.byteLength}`);
  }
  return { tMs: f.tMs, width: f.width, height: f.height, data, channels };
}
