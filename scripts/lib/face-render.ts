/**
 * Synthetic views of a real face for checking head pose where no pose-labelled data exists:
 *  - rotateFrame: the whole frame turned in-plane by a known angle about a point (roll);
 *  - turnFace: the face re-rendered turned in depth (yaw, pitch) by texture-mapping the frame onto its own face mesh
 *    (468 points with depth, MediaPipe's triangles), rotating the mesh in 3-D about the head's centre and drawing its
 *    triangles back to front. The background stays; only the face moves.
 */
import { CANONICAL_FACE_TRIANGLES } from '../../src-shared/face-mesh/canonical-face-mesh.js';
import { rotationFromEuler } from '../../src-main/core/analysis/geometry/head-pose.js';
import type { PixelFrame } from '../../src-main/core/inference/face/frame.js';

function sample(f: PixelFrame, x: number, y: number, out: Uint8Array, o: number): void {
  const { width: W, height: H, data, channels: C } = f;
  const cx = Math.min(W - 1, Math.max(0, x - 0.5));
  const cy = Math.min(H - 1, Math.max(0, y - 0.5));
  const xi = Math.floor(cx);
  const yi = Math.floor(cy);
  const fx = cx - xi;
  const fy = cy - yi;
  const x1 = Math.min(W - 1, xi + 1);
  const y1 = Math.min(H - 1, yi + 1);
  for (let c = 0; c < 3; c++) {
    const a = data[(yi * W + xi) * C + c];
    const b = data[(yi * W + x1) * C + c];
    const d = data[(y1 * W + xi) * C + c];
    const e = data[(y1 * W + x1) * C + c];
    out[o + c] = Math.round((a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy);
  }
}

/** The frame turned clockwise (as seen, y down) by `deg` about (cx, cy); uncovered corners repeat the edge. */
export function rotateFrame(f: PixelFrame, deg: number, cx: number, cy: number): PixelFrame {
  const a = (deg * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const out = new Uint8Array(f.width * f.height * 3);
  for (let y = 0; y < f.height; y++)
    for (let x = 0; x < f.width; x++) {
      // Inverse map: the source of output pixel (x, y) is turned back by −deg.
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      sample(f, cx + cos * dx + sin * dy, cy - sin * dx + cos * dy, out, (y * f.width + x) * 3);
    }
  return { tMs: f.tMs, width: f.width, height: f.height, data: out, channels: 3 };
}

/**
 * The frame with its face turned by yaw and pitch (degrees, the signs of head-pose.ts) about the mesh's centre.
 * `mesh`: 468 × (x, y, z) of this frame's face, frame pixels (z larger = farther).
 */
export function turnFace(f: PixelFrame, mesh: ArrayLike<number>, yawDeg: number, pitchDeg: number): PixelFrame {
  const n = mesh.length / 3;
  const c = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) c[k] += mesh[3 * i + k] / n;
  // Rotate in the camera frame (x right, y up, z towards the camera): flip y and z of the image convention.
  const R = rotationFromEuler(yawDeg, pitchDeg, 0);
  const moved = new Float64Array(mesh.length);
  for (let i = 0; i < n; i++) {
    const p = [mesh[3 * i] - c[0], -(mesh[3 * i + 1] - c[1]), -(mesh[3 * i + 2] - c[2])];
    const q = [0, 1, 2].map((r) => R[3 * r] * p[0] + R[3 * r + 1] * p[1] + R[3 * r + 2] * p[2]);
    moved[3 * i] = c[0] + q[0];
    moved[3 * i + 1] = c[1] - q[1];
    moved[3 * i + 2] = c[2] - q[2];
  }
  const out = new Uint8Array(f.width * f.height * 3);
  for (let i = 0; i < f.width * f.height; i++) for (let k = 0; k < 3; k++) out[3 * i + k] = f.data[i * f.channels + k];
  const tris: number[][] = [];
  for (let t = 0; t < CANONICAL_FACE_TRIANGLES.length; t += 3) tris.push([CANONICAL_FACE_TRIANGLES[t], CANONICAL_FACE_TRIANGLES[t + 1], CANONICAL_FACE_TRIANGLES[t + 2]]);
  // Far triangles first, so nearer ones cover them (painter's algorithm).
  const depth = (t: number[]) => t.reduce((s, i) => s + moved[3 * i + 2], 0);
  tris.sort((a, b) => depth(b) - depth(a));
  for (const [i, j, k] of tris) {
    const [x0, y0, x1, y1, x2, y2] = [moved[3 * i], moved[3 * i + 1], moved[3 * j], moved[3 * j + 1], moved[3 * k], moved[3 * k + 1]];
    const det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    if (Math.abs(det) < 1e-9) continue;
    const minX = Math.max(0, Math.floor(Math.min(x0, x1, x2)));
    const maxX = Math.min(f.width - 1, Math.ceil(Math.max(x0, x1, x2)));
    const minY = Math.max(0, Math.floor(Math.min(y0, y1, y2)));
    const maxY = Math.min(f.height - 1, Math.ceil(Math.max(y0, y1, y2)));
    for (let y = minY; y <= maxY; y++)
      for (let x = minX; x <= maxX; x++) {
        const px = x + 0.5;
        const py = y + 0.5;
        // Barycentric coordinates in the turned triangle give the source point in the original one.
        const b1 = ((px - x0) * (y2 - y0) - (x2 - x0) * (py - y0)) / det;
        const b2 = ((x1 - x0) * (py - y0) - (px - x0) * (y1 - y0)) / det;
        const b0 = 1 - b1 - b2;
        if (b0 < -1e-6 || b1 < -1e-6 || b2 < -1e-6) continue;
        const sx = b0 * mesh[3 * i] + b1 * mesh[3 * j] + b2 * mesh[3 * k];
        const sy = b0 * mesh[3 * i + 1] + b1 * mesh[3 * j + 1] + b2 * mesh[3 * k + 1];
        sample(f, sx, sy, out, (y * f.width + x) * 3);
      }
  }
  return { tMs: f.tMs, width: f.width, height: f.height, data: out, channels: 3 };
}
