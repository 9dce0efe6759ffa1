/**
 * Head pose from the face mesh: the canonical face (MediaPipe's neutral 3-D face, centimetres) is fitted to the
 * measured points by a weighted similarity transform (rotation, uniform scale, translation; Umeyama 1991 with
 * Horn's 1987 quaternion solution) on the 33 rigid points MediaPipe's own pose fit uses (forehead, nose, cheek
 * bones, eye corners), so expressions move the pose little. The mesh gives depth per point (weak perspective),
 * so this is a 3-D-to-3-D fit rather than a PnP solve with an assumed camera.
 *
 * Angles, degrees, as seen in the analysed (unmirrored) frame:
 *   yaw   > 0: the face turns towards the image's right (the subject's left);
 *   pitch > 0: the face tilts up (chin forward/up);
 *   roll  > 0: the face rotates clockwise in the image (the eye on the image's right is lower), the sign of
 *              the detector's eye-line roll.
 * Rotation order: R = Rz(roll) · Ry(yaw) · Rx(pitch) in a camera frame with x right, y up, z towards the camera.
 */
import { CANONICAL_FACE_XYZ, PROCRUSTES_BASIS } from '../../../../src-shared/face-mesh/canonical-face-mesh.js';
import { rotationFromEuler } from '../../../../src-shared/face-geometry.js';

export interface HeadPose {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
  /** Rotation, row-major 3×3, canonical face → camera frame (x right, y up, z towards the camera). */
  rotation: number[];
  /** Frame pixels per canonical centimetre. */
  scale: number;
  /** Where the canonical origin lands, camera frame (x right, y up, frame pixels). */
  translation: [number, number, number];
  /** Weighted RMS distance of the rigid points from the fitted face, in canonical centimetres. */
  residualCm: number;
}

const DEG = 180 / Math.PI;

/** Mesh point (image x right, y down, z away from the camera) in the camera frame the canonical face uses. */
function camPoint(points: ArrayLike<number>, i: number): [number, number, number] {
  return [points[3 * i], -points[3 * i + 1], -points[3 * i + 2]];
}

/** Eigenvector of the largest eigenvalue of a symmetric 4×4 matrix (cyclic Jacobi; converges in a few sweeps). */
export function largestEigenvector4(m: number[]): number[] {
  const a = m.slice();
  const v = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 30; sweep++) {
    let off = 0;
    for (let p = 0; p < 4; p++) for (let q = p + 1; q < 4; q++) off += a[4 * p + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < 4; p++)
      for (let q = p + 1; q < 4; q++) {
        const apq = a[4 * p + q];
        if (Math.abs(apq) < 1e-30) continue;
        const theta = (a[4 * q + q] - a[4 * p + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 4; k++) {
          const akp = a[4 * k + p];
          const akq = a[4 * k + q];
          a[4 * k + p] = c * akp - s * akq;
          a[4 * k + q] = s * akp + c * akq;
        }
        for (let k = 0; k < 4; k++) {
          const apk = a[4 * p + k];
          const aqk = a[4 * q + k];
          a[4 * p + k] = c * apk - s * aqk;
          a[4 * q + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 4; k++) {
          const vkp = v[4 * k + p];
          const vkq = v[4 * k + q];
          v[4 * k + p] = c * vkp - s * vkq;
          v[4 * k + q] = s * vkp + c * vkq;
        }
      }
  }
  let best = 0;
  for (let i = 1; i < 4; i++) if (a[5 * i] > a[5 * best]) best = i;
  return [v[best], v[4 + best], v[8 + best], v[12 + best]];
}

/** Unit quaternion (w, x, y, z) → row-major rotation matrix. */
function quatToMatrix([w, x, y, z]: number[]): number[] {
  return [
    w * w + x * x - y * y - z * z, 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), w * w - x * x + y * y - z * z, 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z,
  ];
}

/** Yaw, pitch, roll (degrees, the signs above) of a rotation R = Rz(γ) Ry(β) Rx(α). */
export function eulerFromRotation(r: number[]): { yawDeg: number; pitchDeg: number; rollDeg: number } {
  const beta = Math.asin(Math.max(-1, Math.min(1, -r[6])));
  const alpha = Math.atan2(r[7], r[8]);
  const gamma = Math.atan2(r[3], r[0]);
  // Rx(α) with α > 0 moves the nose down, Rz(γ) with γ > 0 turns the face anticlockwise as seen.
  return { yawDeg: beta * DEG, pitchDeg: -alpha * DEG, rollDeg: -gamma * DEG };
}

/** R = Rz(roll) · Ry(yaw) · Rx(pitch) for angles in the signs above (shared with the renderer's overlay). */
export { rotationFromEuler };

export interface PoseModel {
  /** Canonical points, centimetres, camera-frame axes. */
  xyz: ArrayLike<number>;
  basis: ReadonlyArray<readonly [number, number]>;
}

export const CANONICAL_POSE_MODEL: PoseModel = { xyz: CANONICAL_FACE_XYZ, basis: PROCRUSTES_BASIS };

/**
 * Fits the canonical face to a mesh (x, y in frame pixels, y down; z in the same unit, larger = farther).
 * Returns null when the points are degenerate (all in one place).
 */
export function fitHeadPose(points: ArrayLike<number>, model: PoseModel = CANONICAL_POSE_MODEL): HeadPose | null {
  const { xyz, basis } = model;
  let wsum = 0;
  const ca = [0, 0, 0];
  const cb = [0, 0, 0];
  for (const [i, w] of basis) {
    const b = camPoint(points, i);
    for (let k = 0; k < 3; k++) {
      ca[k] += w * xyz[3 * i + k];
      cb[k] += w * b[k];
    }
    wsum += w;
  }
  for (let k = 0; k < 3; k++) {
    ca[k] /= wsum;
    cb[k] /= wsum;
  }
  // Weighted cross-covariance S[j][k] = Σ w (a_j − ā_j)(b_k − b̄_k), and the canonical spread.
  const S = new Array(9).fill(0);
  let spreadA = 0;
  for (const [i, w] of basis) {
    const b = camPoint(points, i);
    const da = [xyz[3 * i] - ca[0], xyz[3 * i + 1] - ca[1], xyz[3 * i + 2] - ca[2]];
    const db = [b[0] - cb[0], b[1] - cb[1], b[2] - cb[2]];
    for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) S[3 * j + k] += w * da[j] * db[k];
    spreadA += w * (da[0] ** 2 + da[1] ** 2 + da[2] ** 2);
  }
  const [sxx, sxy, sxz, syx, syy, syz, szx, szy, szz] = S;
  // Horn's symmetric 4×4 matrix; its top eigenvector is the rotation taking a onto b.
  const N = [
    sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
    syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
    szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
    sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz,
  ];
  if (!N.every(Number.isFinite) || N.every((x) => Math.abs(x) < 1e-12)) return null;
  const q = largestEigenvector4(N);
  const norm = Math.hypot(...q);
  const R = quatToMatrix(q.map((x) => x / norm));
  // Scale: Σ w (b − b̄)·R(a − ā) / Σ w |a − ā|².
  let dot = 0;
  for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) dot += R[3 * k + j] * S[3 * j + k];
  const scale = dot / spreadA;
  if (!(scale > 0)) return null;
  const t: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < 3; k++) t[k] = cb[k] - scale * (R[3 * k] * ca[0] + R[3 * k + 1] * ca[1] + R[3 * k + 2] * ca[2]);
  let res = 0;
  for (const [i, w] of basis) {
    const b = camPoint(points, i);
    for (let k = 0; k < 3; k++) {
      const fit = scale * (R[3 * k] * xyz[3 * i] + R[3 * k + 1] * xyz[3 * i + 1] + R[3 * k + 2] * xyz[3 * i + 2]) + t[k];
      res += w * (b[k] - fit) ** 2;
    }
  }
  return { ...eulerFromRotation(R), rotation: R, scale, translation: t, residualCm: Math.sqrt(res / wsum) / scale };
}

/**
 * The mesh in the head's own frame: rotation, scale and position removed, so distances are canonical
 * centimetres whatever the face's size and pose (x to the subject's left as seen unmirrored, y up, z towards
 * the viewer of a frontal face). Writes 3 values per point.
 */
export function toFaceFrame(points: ArrayLike<number>, pose: HeadPose, out = new Float32Array(points.length)): Float32Array {
  const R = pose.rotation;
  const inv = 1 / pose.scale;
  const [tx, ty, tz] = pose.translation;
  for (let p = 0; p < points.length / 3; p++) {
    const b = camPoint(points, p);
    const d0 = b[0] - tx;
    const d1 = b[1] - ty;
    const d2 = b[2] - tz;
    // Rᵀ · d / s
    out[3 * p] = (R[0] * d0 + R[3] * d1 + R[6] * d2) * inv;
    out[3 * p + 1] = (R[1] * d0 + R[4] * d1 + R[7] * d2) * inv;
    out[3 * p + 2] = (R[2] * d0 + R[5] * d1 + R[8] * d2) * inv;
  }
  return out;
}
