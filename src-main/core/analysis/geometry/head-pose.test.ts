import { describe, expect, it } from 'vitest';
import { CANONICAL_FACE_XYZ } from '../../../../src-shared/face-mesh/canonical-face-mesh.js';
import { eulerFromRotation, fitHeadPose, rotationFromEuler, toFaceFrame } from './head-pose.js';
import { renderCanonicalMesh } from './synthetic-mesh.js';

describe('head pose from a mesh', () => {
  it('recovers yaw, pitch and roll of the canonical face turned by known angles, at any size and place', () => {
    for (const [yaw, pitch, roll] of [
      [0, 0, 0],
      [30, 0, 0],
      [-45, 0, 0],
      [0, 20, 0],
      [0, -25, 0],
      [0, 0, 30],
      [0, 0, -30],
      [20, -10, 15],
    ]) {
      const mesh = renderCanonicalMesh({ yawDeg: yaw, pitchDeg: pitch, rollDeg: roll }, { scale: 7 + Math.abs(yaw) / 5, cx: 100 + yaw, cy: 300 });
      const pose = fitHeadPose(mesh)!;
      expect(pose.yawDeg).toBeCloseTo(yaw, 4);
      expect(pose.pitchDeg).toBeCloseTo(pitch, 4);
      expect(pose.rollDeg).toBeCloseTo(roll, 4);
      expect(pose.scale).toBeCloseTo(7 + Math.abs(yaw) / 5, 4);
      expect(pose.residualCm).toBeLessThan(1e-4);
    }
  });

  it('gives the signs the CSV documents: nose to the image right = yaw > 0, nose up = pitch > 0, image-right eye lower = roll > 0', () => {
    const noseX = (m: Float32Array) => m[3 * 1];
    const noseY = (m: Float32Array) => m[3 * 1 + 1];
    const front = renderCanonicalMesh({ yawDeg: 0, pitchDeg: 0, rollDeg: 0 });
    expect(noseX(renderCanonicalMesh({ yawDeg: 20, pitchDeg: 0, rollDeg: 0 }))).toBeGreaterThan(noseX(front));
    expect(noseY(renderCanonicalMesh({ yawDeg: 0, pitchDeg: 20, rollDeg: 0 }))).toBeLessThan(noseY(front));
    const rolled = renderCanonicalMesh({ yawDeg: 0, pitchDeg: 0, rollDeg: 20 });
    // Point 263 is the outer corner of the eye on the image's right (the subject's left eye).
    expect(rolled[3 * 263 + 1]).toBeGreaterThan(rolled[3 * 33 + 1]);
  });

  it('round-trips Euler angles through the rotation matrix', () => {
    const e = eulerFromRotation(rotationFromEuler(-33, 12, 7));
    expect(e.yawDeg).toBeCloseTo(-33, 9);
    expect(e.pitchDeg).toBeCloseTo(12, 9);
    expect(e.rollDeg).toBeCloseTo(7, 9);
  });

  it('takes pose and size out: a turned, scaled face in the face frame is the canonical face again', () => {
    const mesh = renderCanonicalMesh({ yawDeg: 25, pitchDeg: -15, rollDeg: 10 }, { scale: 20 });
    const face = toFaceFrame(mesh, fitHeadPose(mesh)!);
    let maxErr = 0;
    for (let i = 0; i < face.length; i++) maxErr = Math.max(maxErr, Math.abs(face[i] - CANONICAL_FACE_XYZ[i]));
    expect(maxErr).toBeLessThan(1e-3);
  });

  it('is not moved by a smile: the fit uses the rigid points only', () => {
    const xyz = Float32Array.from(CANONICAL_FACE_XYZ);
    // Lip corners up and out by 5 mm, lower lip down 1 cm.
    for (const [i, dx] of [[61, -0.5], [291, 0.5]] as const) {
      xyz[3 * i] += dx;
      xyz[3 * i + 1] += 0.5;
    }
    xyz[3 * 14 + 1] -= 1;
    const pose = fitHeadPose(renderCanonicalMesh({ yawDeg: 10, pitchDeg: 5, rollDeg: -5 }, { xyz }))!;
    expect(pose.yawDeg).toBeCloseTo(10, 4);
    expect(pose.pitchDeg).toBeCloseTo(5, 4);
    expect(pose.rollDeg).toBeCloseTo(-5, 4);
  });

  it('returns null for degenerate points', () => {
    expect(fitHeadPose(new Float32Array(468 * 3))).toBeNull();
  });
});
