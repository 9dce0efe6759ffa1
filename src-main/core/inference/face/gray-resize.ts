/**
 * Gray conversion and bilinear resize of a whole image that is already a face crop (e.g. a 48×48 FER2013
 * image). Two sampling conventions, because they give measurably different accuracies on small crops:
 * - 'half-pixel': pixel centres aligned (OpenCV, PIL, TF2 `half_pixel_centers=True`);
 * - 'tf-legacy': src = dst × in/out without the half-pixel offset, the default of tfjs `resizeBilinear`.
 */
export type BilinearMode = 'half-pixel' | 'tf-legacy';

export function toGray(data: Uint8Array, width: number, height: number, channels: number, weights: [number, number, number]): Float32Array {
  const out = new Float32Array(width * height);
  const [wr, wg, wb] = weights;
  for (let i = 0, p = 0; i < out.length; i++, p += channels) out[i] = wr * data[p] + wg * data[p + 1] + wb * data[p + 2];
  return out;
}

export function resizeBilinear(src: Float32Array, w: number, h: number, size: number, mode: BilinearMode, out: Float32Array, offset = 0): void {
  const sx = w / size;
  const sy = h / size;
  for (let y = 0; y < size; y++) {
    let fy = mode === 'half-pixel' ? (y + 0.5) * sy - 0.5 : y * sy;
    fy = Math.min(Math.max(fy, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const dy = fy - y0;
    for (let x = 0; x < size; x++) {
      let fx = mode === 'half-pixel' ? (x + 0.5) * sx - 0.5 : x * sx;
      fx = Math.min(Math.max(fx, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const dx = fx - x0;
      const top = src[y0 * w + x0] * (1 - dx) + src[y0 * w + x1] * dx;
      const bot = src[y1 * w + x0] * (1 - dx) + src[y1 * w + x1] * dx;
      out[offset + y * size + x] = top * (1 - dy) + bot * dy;
    }
  }
}
