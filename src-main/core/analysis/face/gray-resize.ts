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

/**
 * Area (box-filter) downscale of a square gray image: each output pixel is the mean of the input area it
 * covers, partial pixels weighted by their overlap. Used to turn the 64×64 quality crop into a smaller
 * classifier input without the extra blur and aliasing of a second bilinear pass.
 */
export function resizeArea(src: Float32Array, side: number, size: number, out: Float32Array, offset = 0): void {
  if (size > side) throw new Error(`resizeArea only shrinks (${side} → ${size})`);
  const scale = side / size;
  // Per output index: the input indices it overlaps and their weights (the same along both axes).
  const taps: Array<{ from: number; weights: number[] }> = [];
  for (let o = 0; o < size; o++) {
    const a = o * scale;
    const b = a + scale;
    const from = Math.floor(a);
    const weights: number[] = [];
    for (let i = from; i < Math.min(side, Math.ceil(b)); i++) weights.push((Math.min(b, i + 1) - Math.max(a, i)) / scale);
    taps.push({ from, weights });
  }
  for (let y = 0; y < size; y++) {
    const ty = taps[y];
    for (let x = 0; x < size; x++) {
      const tx = taps[x];
      let v = 0;
      for (let j = 0; j < ty.weights.length; j++) {
        const row = (ty.from + j) * side + tx.from;
        let r = 0;
        for (let i = 0; i < tx.weights.length; i++) r += src[row + i] * tx.weights[i];
        v += r * ty.weights[j];
      }
      out[offset + y * size + x] = v;
    }
  }
}
