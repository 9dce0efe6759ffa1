import { describe, expect, it } from 'vitest';
import { CANONICAL_FACE_XYZ } from '../../../../src-shared/face-mesh/canonical-face-mesh.js';
import { actionUnits, AU_NAMES, type AuCalibration, type BrowDirection, type BrowShapeName, browFeatures, eyeAspectRatio, measureFace } from './action-units.js';
import { geometryFromMesh } from './face-geometry.js';
import { MESH } from './mesh-points.js';
import { renderCanonicalMesh } from './synthetic-mesh.js';

/** The canonical face with some points moved (canonical cm, y up). */
function face(moves: Array<[readonly number[], number, number]>): Float32Array {
  const xyz = Float32Array.from(CANONICAL_FACE_XYZ);
  for (const [idx, dx, dy] of moves)
    for (const i of idx) {
      xyz[3 * i] += dx * Math.sign(xyz[3 * i] || 1);
      xyz[3 * i + 1] += dy;
    }
  return xyz;
}

const BROWS_UP: Array<[readonly number[], number, number]> = [[MESH.brows, 0, 0.5], [[46, 53, 52, 65, 55, 276, 283, 282, 295, 285], 0, 0.5]];
const SMILE: Array<[readonly number[], number, number]> = [[MESH.lipCorners, 0.6, 0.5], [MESH.cheeks, 0, 0.3]];
const FROWN_MOUTH: Array<[readonly number[], number, number]> = [[MESH.lipCorners, 0, -0.4]];
const JAW_DROP: Array<[readonly number[], number, number]> = [[[14, 87, 178, 88, 95, 317, 402, 318, 324, 17, 84, 181, 91, 146, 314, 405, 321, 375, 152, 148, 176, 149, 150, 377, 400, 378, 379], 0, -1.2]];
const BROWS_DOWN_IN: Array<[readonly number[], number, number]> = [[[107, 336, 55, 285, 65, 295, 66, 296], -0.35, -0.3]];

/**
 * Brow directions of these tests: raise = the brows' summed heights; lower = the inner brow points lower and nearer
 * the middle (an x weight of −sign(x_right − x_left), so moving in counts up).
 */
const INNER_BROW = new Set([107, 55, 193, 65, 66, 52]);
const G0 = browFeatures(CANONICAL_FACE_XYZ);
const n = MESH.browRight.length;
const TEST_BROWS: Record<BrowShapeName, BrowDirection> = {
  browRaiseShape: { right: MESH.browRight.flatMap(() => [0, 1 / n]) },
  browLowerShape: { right: MESH.browRight.flatMap((i, k) => (INNER_BROW.has(i) ? [-Math.sign(G0[k]), -1] : [0, 0])) },
};
const measure = (f: ArrayLike<number>) => measureFace(f, TEST_BROWS);

/** Scales with the canonical face as neutral, so these tests do not hang on the shipped calibration. */
const C = measure(CANONICAL_FACE_XYZ);
const CAL: AuCalibration = {
  browRaise: { measure: 'browRaiseShape', neutral: C.browRaiseShape, range: 0.5 },
  browLower: { measure: 'browLowerShape', neutral: C.browLowerShape, range: 1 },
  cornersUp: { measure: 'cornerElevation', neutral: C.cornerElevation, range: 0.5 },
  cornersDown: { measure: 'cornerElevation', neutral: C.cornerElevation, range: -0.3 },
  mouthWider: { measure: 'mouthWidth', neutral: C.mouthWidth, range: 1.2 },
  cheeksUp: { measure: 'cheekHeight', neutral: C.cheekHeight, range: 0.3 },
  lipsApart: { measure: 'lipGap', neutral: C.lipGap, range: 1 },
  jawDown: { measure: 'jawDrop', neutral: C.jawDrop, range: 1 },
  eyesOpen: { measure: 'eyeAspect', neutral: C.eyeAspectRight, range: -C.eyeAspectRight },
};

describe('action-unit estimates', () => {
  it('are 0–1 and each moves with its own movement', () => {
    const base = actionUnits(C, CAL);
    for (const n of AU_NAMES) expect(base[n]).toBe(0);
    const check = (moves: typeof SMILE, au: (typeof AU_NAMES)[number]) => {
      const a = actionUnits(measure(face(moves)), CAL);
      for (const n of AU_NAMES) expect(a[n]).toBeGreaterThanOrEqual(0), expect(a[n]).toBeLessThanOrEqual(1);
      expect(a[au]).toBeGreaterThan(base[au] + 0.2);
      return a;
    };
    const smile = check(SMILE, 'au06_12');
    expect(smile.au15).toBeLessThanOrEqual(base.au15);
    const frown = check(FROWN_MOUTH, 'au15');
    expect(frown.au06_12).toBeLessThanOrEqual(base.au06_12);
    const raised = check(BROWS_UP, 'au01_02');
    expect(raised.au04).toBeLessThanOrEqual(base.au04);
    check(BROWS_DOWN_IN, 'au04');
    const jaw = check(JAW_DROP, 'au26');
    expect(jaw.au25).toBeGreaterThan(base.au25);
  });

  it('brow shapes measure a face and its mirror image alike (the shipped directions too)', () => {
    const brows = face(BROWS_DOWN_IN.map(([idx, dx, dy]) => [idx.filter((i) => MESH.browRight.includes(i as never)), dx, dy + 0.1]));
    // Mirror: x → −x, and each right brow point swaps places with its left twin (inner eye corners likewise).
    const mirror = Float32Array.from(brows);
    const pairs = [...MESH.browRight.map((r, k) => [r, MESH.browLeft[k]]), [MESH.innerEyeCorners[0], MESH.innerEyeCorners[1]]];
    for (const [r, l] of pairs)
      for (const [a, b] of [[r, l], [l, r]]) {
        mirror[3 * a] = -brows[3 * b];
        mirror[3 * a + 1] = brows[3 * b + 1];
      }
    const one = measureFace(brows);
    const other = measureFace(mirror);
    expect(one.browLowerShape).not.toBeCloseTo(measureFace(CANONICAL_FACE_XYZ).browLowerShape, 3);
    expect(other.browRaiseShape).toBeCloseTo(one.browRaiseShape, 9);
    expect(other.browLowerShape).toBeCloseTo(one.browLowerShape, 9);
  });

  it('closing the lids lowers the eye aspect ratio and raises au43', () => {
    const open = measure(CANONICAL_FACE_XYZ);
    // Upper lids down onto the lower lids.
    const xyz = Float32Array.from(CANONICAL_FACE_XYZ);
    for (const [u, l] of [[160, 144], [158, 153], [385, 380], [387, 373]]) xyz[3 * u + 1] = xyz[3 * l + 1] + 0.02;
    const shut = measure(xyz);
    expect(shut.eyeAspectRight).toBeLessThan(0.2 * open.eyeAspectRight);
    expect(eyeAspectRatio(xyz, MESH.leftEye)).toBeCloseTo(shut.eyeAspectLeft, 9);
    expect(actionUnits(shut, CAL).au43).toBeGreaterThan(0.8);
  });

  it('do not change when the same face is turned, moved or seen larger (pose and size are taken out)', () => {
    const smile = face([...SMILE, ...BROWS_UP]);
    const front = geometryFromMesh(renderCanonicalMesh({ yawDeg: 0, pitchDeg: 0, rollDeg: 0 }, { xyz: smile, scale: 10 }))!;
    const turned = geometryFromMesh(renderCanonicalMesh({ yawDeg: 25, pitchDeg: -15, rollDeg: 20 }, { xyz: smile, scale: 23, cx: 100 }))!;
    expect(front.au.au06_12).toBeGreaterThan(0.2);
    for (const n of AU_NAMES) expect(turned.au[n]).toBeCloseTo(front.au[n], 3);
    expect(turned.yawDeg).toBeCloseTo(25, 1);
    expect(turned.eyeOpenLeft).toBeCloseTo(front.eyeOpenLeft, 4);
  });
});
