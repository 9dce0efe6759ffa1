/**
 * Cuts an upright, square, gray face crop for the classifier: centred on the detected box, enlarged by a
 * margin, rotated so the eye line is horizontal, resampled with supersampled bilinear filtering (so a large
 * face is averaged, not aliased) and converted to gray with the model's weights.
 */
import type { FaceLandmarks } from '../../inference/face/face-detector.js';
import type { PixelFrame } from '../../inference/face/frame.js';

export type { FaceLandmarks };

export interface CropGeometry {
  /** Crop centre in frame pixels. */
  cx: number;
  cy: number;
  /** Side of the square crop in frame pixels (before rotation). */
  side: number;
  /** Rotation applied, radians (the face's roll). */
  angle: number;
}

/**
 * Crop placement: centred on the detector box, its longer side enlarged by a margin; only the rotation comes
 * from the keypoints. Measured on CK+ frames (models/MODEL_CARD.md): placing the crop from the eye and mouth
 * keypoints follows a tilted face better, but the keypoints jitter under blur and at small sizes and the
 * probabilities moved twice as much; the box is the steadier anchor.
 */
export interface CropParams {
  /** Crop side = longer box side × (1 + margin). */
  margin: number;
  /** Moves the centre along the face's vertical axis by this fraction of the box height (down is positive). */
  shiftY: number;
}

/** Roll of the eye line in radians, image coordinates (y down): positive when the right-hand eye is lower. */
export function eyeRoll(eyeA: [number, number], eyeB: [number, number]): number {
  // Order by x so the result does not depend on which eye a detector lists first (mirrored input swaps them).
  const [l, r] = eyeA[0] <= eyeB[0] ? [eyeA, eyeB] : [eyeB, eyeA];
  return Math.atan2(r[1] - l[1], r[0] - l[0]);
}

export function cropGeometry(box: { x: number; y: number; w: number; h: number }, lm: FaceLandmarks, p: CropParams): CropGeometry {
  const angle = eyeRoll(lm.rightEye, lm.leftEye);
  const d = p.shiftY * box.h;
  return {
    cx: box.x + box.w / 2 - Math.sin(angle) * d,
    cy: box.y + box.h / 2 + Math.cos(angle) * d,
    side: Math.max(box.w, box.h) * (1 + p.margin),
    angle,
  };
}

/**
 * Writes size×size gray values in 0..255 into `out` at `offset`. Each output pixel averages k×k bilinear
 * samples spread over its footprint (k = the downscale factor, at most 4), so a large face is averaged, not
 * aliased, and faces of any size get the same smoothing. The face region is converted to gray once first.
 * Pixels outside the frame repeat the edge (a face at the border keeps its own colours, not a black wedge).
 */
/** Grows on demand and is reused, so cropping many faces does not churn the garbage collector. */
let scratch = new Float32Array(0);

export function cropGray(frame: PixelFrame, g: CropGeometry, size: number, weights: [number, number, number], out: Float32Array, offset = 0): void {
  const { width: W, height: H, data, channels: C } = frame;
  const step = g.side / size;
  const k = Math.max(1, Math.min(4, Math.ceil(step)));
  const cos = Math.cos(g.angle);
  const sin = Math.sin(g.angle);
  // Gray copy of the rotated square's bounding box (+2 px for the bilinear taps), edge-replicated.
  const half = (g.side / 2) * (Math.abs(cos) + Math.abs(sin)) + 2;
  const x0 = Math.floor(g.cx - half);
  const y0 = Math.floor(g.cy - half);
  const rw = Math.ceil(g.cx + half) - x0 + 1;
  const rh = Math.ceil(g.cy + half) - y0 + 1;
  if (scratch.length < rw * rh) scratch = new Float32Array(rw * rh * 2);
  const gray = scratch;
  const [wr, wg, wb] = weights;
  for (let j = 0; j < rh; j++) {
    const base = Math.min(H - 1, Math.max(0, y0 + j)) * W;
    const row = j * rw;
    for (let i = 0; i < rw; i++) {
      const p = (base + Math.min(W - 1, Math.max(0, x0 + i))) * C;
      gray[row + i] = wr * data[p] + wg * data[p + 1] + wb * data[p + 2];
    }
  }
  // Sample positions are affine in the sub-pixel grid: start at the first sample, step by (du) along a row of
  // samples and (dv) down a column, both rotated by the roll. -0.5 turns pixel centres into sample positions.
  const d = g.side / (size * k);
  const dux = cos * d;
  const duy = sin * d;
  const dvx = -sin * d;
  const dvy = cos * d;
  const first = -g.side / 2 + d / 2;
  const ox = g.cx + cos * first - sin * first - 0.5 - x0;
  const oy = g.cy + sin * first + cos * first - 0.5 - y0;
  const maxX = rw - 1;
  const maxY = rh - 1;
  const inv = 1 / (k * k);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      let acc = 0;
      for (let sv = 0; sv < k; sv++) {
        const q = v * k + sv;
        let x = ox + u * k * dux + q * dvx;
        let y = oy + u * k * duy + q * dvy;
        for (let su = 0; su < k; su++, x += dux, y += duy) {
          const cx = x < 0 ? 0 : x > maxX ? maxX : x;
          const cy = y < 0 ? 0 : y > maxY ? maxY : y;
          const xi = cx | 0;
          const yi = cy | 0;
          const fx = cx - xi;
          const fy = cy - yi;
          const r0 = yi * rw + xi;
          const r1 = yi < maxY ? r0 + rw : r0;
          const xs = xi < maxX ? 1 : 0;
          acc += (gray[r0] + (gray[r0 + xs] - gray[r0]) * fx) * (1 - fy) + (gray[r1] + (gray[r1 + xs] - gray[r1]) * fx) * fy;
        }
      }
      out[offset + v * size + u] = acc * inv;
    }
  }
}

/** Variance of the 4-neighbour Laplacian over the crop's interior: low for blurred or featureless faces. */
export function laplacianVariance(img: Float32Array, offset: number, size: number): number {
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const i = offset + y * size + x;
      const l = img[i - 1] + img[i + 1] + img[i - size] + img[i + size] - 4 * img[i];
      sum += l;
      sum2 += l * l;
      n++;
    }
  }
  const mean = sum / n;
  return sum2 / n - mean * mean;
}
