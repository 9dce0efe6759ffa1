/**
 * Where the face mesh looks: a rotated square around a detected face (MediaPipe's face-landmark region: the
 * box's longer side × 1.5, centred on the box, turned so the eye line is level), resampled to the model's
 * input, and the model's points mapped back to frame pixels. Pure functions; no model calls here.
 */
import type { PixelFrame } from './frame.js';

export interface MeshRoi {
  /** Centre, frame pixels. */
  cx: number;
  cy: number;
  /** Side of the square, frame pixels. */
  side: number;
  /** Rotation of the square, radians, image coordinates (positive = clockwise as seen). */
  angle: number;
}

type Pt = readonly [number, number];

/** The region for a detection: eye line from the two eye keypoints, in either order (mirrored input swaps them). */
export function roiFromDetection(box: { x: number; y: number; w: number; h: number }, eyeA: Pt, eyeB: Pt, scale: number): MeshRoi {
  const [l, r] = eyeA[0] <= eyeB[0] ? [eyeA, eyeB] : [eyeB, eyeA];
  return { cx: box.x + box.w / 2, cy: box.y + box.h / 2, side: Math.max(box.w, box.h) * scale, angle: Math.atan2(r[1] - l[1], r[0] - l[0]) };
}

/**
 * Writes the region as size×size NHWC RGB floats (pixel × scale + offset) into `out` at `offset`. Bilinear, as
 * MediaPipe samples it; from a downscale of 2 on, each output pixel averages k×k bilinear samples over its
 * footprint (k = the whole downscale factor, at most 3) so a large face is averaged rather than aliased. Outside the
 * frame the edge repeats. (Supersampling below 2× cost four times the time for no visible gain in the mesh.)
 */
export function writeRoiRgb(frame: PixelFrame, roi: MeshRoi, size: number, out: Float32Array, offset: number, scale: number, bias: number): void {
  const { width: W, height: H, data, channels: C } = frame;
  const k = Math.max(1, Math.min(3, Math.floor(roi.side / size)));
  const d = roi.side / (size * k);
  const cos = Math.cos(roi.angle);
  const sin = Math.sin(roi.angle);
  const first = -roi.side / 2 + d / 2;
  // Sample (i, j) of the sub-grid sits at centre + R · (first + i·d, first + j·d); -0.5 turns pixel centres into indices.
  const ox = roi.cx + cos * first - sin * first - 0.5;
  const oy = roi.cy + sin * first + cos * first - 0.5;
  const inv = scale / (k * k);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sv = 0; sv < k; sv++) {
        const j = v * k + sv;
        for (let su = 0; su < k; su++) {
          const i = u * k + su;
          let x = ox + cos * i * d - sin * j * d;
          let y = oy + sin * i * d + cos * j * d;
          x = x < 0 ? 0 : x > W - 1 ? W - 1 : x;
          y = y < 0 ? 0 : y > H - 1 ? H - 1 : y;
          const xi = x | 0;
          const yi = y | 0;
          const fx = x - xi;
          const fy = y - yi;
          const x1 = xi < W - 1 ? 1 : 0;
          const y1 = yi < H - 1 ? W : 0;
          const p00 = (yi * W + xi) * C;
          const p01 = p00 + x1 * C;
          const p10 = p00 + y1 * C;
          const p11 = p10 + x1 * C;
          const w00 = (1 - fx) * (1 - fy);
          const w01 = fx * (1 - fy);
          const w10 = (1 - fx) * fy;
          const w11 = fx * fy;
          r += data[p00] * w00 + data[p01] * w01 + data[p10] * w10 + data[p11] * w11;
          g += data[p00 + 1] * w00 + data[p01 + 1] * w01 + data[p10 + 1] * w10 + data[p11 + 1] * w11;
          b += data[p00 + 2] * w00 + data[p01 + 2] * w01 + data[p10 + 2] * w10 + data[p11 + 2] * w11;
        }
      }
      const o = offset + (v * size + u) * 3;
      out[o] = r * inv + bias;
      out[o + 1] = g * inv + bias;
      out[o + 2] = b * inv + bias;
    }
  }
}

/**
 * Model points (x, y in input pixels 0..size, z in the same units) → frame pixels: x, y through the region's
 * rotation and scale, z scaled alike so the three axes share one unit.
 */
export function meshToFrame(raw: ArrayLike<number>, rawOffset: number, points: number, roi: MeshRoi, size: number, out = new Float32Array(points * 3)): Float32Array {
  const s = roi.side / size;
  const cos = Math.cos(roi.angle);
  const sin = Math.sin(roi.angle);
  for (let p = 0; p < points; p++) {
    const u = (raw[rawOffset + 3 * p] - size / 2) * s;
    const v = (raw[rawOffset + 3 * p + 1] - size / 2) * s;
    out[3 * p] = roi.cx + cos * u - sin * v;
    out[3 * p + 1] = roi.cy + sin * u + cos * v;
    out[3 * p + 2] = raw[rawOffset + 3 * p + 2] * s;
  }
  return out;
}

/**
 * The region for the next mesh run taken from a mesh (MediaPipe's landmarks-to-region step): the points'
 * bounding box × scale, turned by the line through the outer eye corners (points 33 and 263).
 */
export function roiFromMesh(points: ArrayLike<number>, scale: number): MeshRoi {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < points.length; i += 3) {
    x0 = Math.min(x0, points[i]);
    x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]);
    y1 = Math.max(y1, points[i + 1]);
  }
  return roiFromDetection({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, [points[99], points[100]], [points[789], points[790]], scale);
}
