/**
 * Fits a frame into the detector's square input: scaled to keep its aspect ratio, centred, black bars, then
 * normalised. Downscaling averages each output pixel's whole footprint (box filter) rather than sampling four
 * neighbours, so small faces in a 640×480 frame are not lost to aliasing.
 */
import type { PixelFrame } from './frame.js';

export interface Letterbox {
  /** Input pixels per frame pixel. */
  scale: number;
  /** Where the frame's top-left corner lands in the square input, in input pixels. */
  offsetX: number;
  offsetY: number;
  size: number;
}

export function letterboxFor(width: number, height: number, size: number): Letterbox {
  const scale = size / Math.max(width, height);
  return { scale, offsetX: (size - width * scale) / 2, offsetY: (size - height * scale) / 2, size };
}

/** Maps a point from normalised input coordinates (0..1 of the square) back to frame pixels. */
export function toFramePx(lb: Letterbox, u: number, v: number): [number, number] {
  return [(u * lb.size - lb.offsetX) / lb.scale, (v * lb.size - lb.offsetY) / lb.scale];
}

/**
 * Writes the letterboxed frame as NHWC float RGB into `out` at `offset` (size*size*3 values),
 * value = pixel * scale + bias; padding gets the value of a black pixel.
 */
export function writeLetterboxed(frame: PixelFrame, lb: Letterbox, out: Float32Array, offset: number, scale: number, bias: number): void {
  const { width: W, height: H, data, channels: C } = frame;
  const S = lb.size;
  out.fill(bias, offset, offset + S * S * 3);
  const inv = 1 / lb.scale;
  const x0 = Math.max(0, Math.floor(lb.offsetX));
  const x1 = Math.min(S, Math.ceil(lb.offsetX + W * lb.scale));
  const y0 = Math.max(0, Math.floor(lb.offsetY));
  const y1 = Math.min(S, Math.ceil(lb.offsetY + H * lb.scale));
  const n = x1 - x0;
  // Per output column: the source span it covers (at least one pixel) as byte offsets, and its width.
  const colStart = new Int32Array(n);
  const colEnd = new Int32Array(n);
  const colInv = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = (x0 + i - lb.offsetX) * inv;
    const b = (x0 + i + 1 - lb.offsetX) * inv;
    const s0 = Math.min(W - 1, Math.max(0, Math.floor(a)));
    const s1 = Math.max(s0 + 1, Math.min(W, Math.round(b)));
    colStart[i] = s0 * C;
    colEnd[i] = s1 * C;
    colInv[i] = 1 / (s1 - s0);
  }
  const acc = new Float64Array(n * 3);
  for (let y = y0; y < y1; y++) {
    const a = (y - lb.offsetY) * inv;
    const b = (y + 1 - lb.offsetY) * inv;
    const rs = Math.min(H - 1, Math.max(0, Math.floor(a)));
    const re = Math.max(rs + 1, Math.min(H, Math.round(b)));
    acc.fill(0);
    // Rows of the footprint one after another, each read left to right: memory order.
    for (let yy = rs; yy < re; yy++) {
      const row = yy * W * C;
      for (let i = 0, j = 0; i < n; i++, j += 3) {
        let r = 0;
        let g = 0;
        let bl = 0;
        for (let p = row + colStart[i], e = row + colEnd[i]; p < e; p += C) {
          r += data[p];
          g += data[p + 1];
          bl += data[p + 2];
        }
        acc[j] += r;
        acc[j + 1] += g;
        acc[j + 2] += bl;
      }
    }
    const rowK = scale / (re - rs);
    let o = offset + (y * S + x0) * 3;
    for (let i = 0, j = 0; i < n; i++, j += 3, o += 3) {
      const k = rowK * colInv[i];
      out[o] = acc[j] * k + bias;
      out[o + 1] = acc[j + 1] * k + bias;
      out[o + 2] = acc[j + 2] * k + bias;
    }
  }
}
