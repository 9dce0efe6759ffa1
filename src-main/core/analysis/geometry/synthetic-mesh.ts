/**
 * The canonical face turned, scaled and placed in a frame as the mesh model reports points (x, y frame pixels
 * with y down, z in pixels, larger = farther): what a perfect landmark model would see. For tests and checks of
 * the geometry, never for analysis.
 */
import { CANONICAL_FACE_XYZ } from '../../../../src-shared/face-mesh/canonical-face-mesh.js';
import { rotationFromEuler } from './head-pose.js';

export function renderCanonicalMesh(
  pose: { yawDeg: number; pitchDeg: number; rollDeg: number },
  opts: { scale?: number; cx?: number; cy?: number; xyz?: ArrayLike<number> } = {},
): Float32Array {
  const { scale = 12, cx = 320, cy = 240, xyz = CANONICAL_FACE_XYZ } = opts;
  const R = rotationFromEuler(pose.yawDeg, pose.pitchDeg, pose.rollDeg);
  const n = xyz.length / 3;
  const out = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) {
    const a = [xyz[3 * p], xyz[3 * p + 1], xyz[3 * p + 2]];
    const b = [0, 1, 2].map((k) => scale * (R[3 * k] * a[0] + R[3 * k + 1] * a[1] + R[3 * k + 2] * a[2]));
    out[3 * p] = cx + b[0];
    out[3 * p + 1] = cy - b[1];
    out[3 * p + 2] = -b[2];
  }
  return out;
}
