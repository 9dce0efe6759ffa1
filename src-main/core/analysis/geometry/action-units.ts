/**
 * Action-unit estimates from landmark geometry. These are geometric estimates, not FACS-coded action units: each
 * is a distance in the head's own frame (pose and face size removed, canonical centimetres; see head-pose.ts)
 * compared with its value on neutral faces and scaled by how far it moves on faces that show the movement.
 * models/MODEL_CARD.md ("Face geometry") says how each is computed and what it was checked against.
 */
import { AU_CALIBRATION, BROW_DIRECTIONS } from './au-calibration.js';
import { MESH } from './mesh-points.js';

import { AU_NAMES, type AuName } from '../../../../src-shared/face-geometry.js';

export { AU_NAMES, type AuName };
export type AuIntensities = Record<AuName, number>;

/**
 * A direction in brow-landmark space: weights of the subject's right brow points (MESH.browRight, x and y in the
 * head's frame from the midpoint of the inner eye corners); the left brow's points carry the mirror image of
 * each weight, so a face and its mirror image measure alike. Fitted by scripts/geometry/calibrate-au.ts.
 */
export interface BrowDirection {
  /** x, y weight per point of MESH.browRight. */
  right: readonly number[];
}

export type BrowShapeName = 'browRaiseShape' | 'browLowerShape';

/** The raw distances (canonical cm; eye aspect ratios are unitless) the estimates are made from. */
export interface FaceMeasures {
  /** The brows' position along the direction that raised brows move them (surprise vs neutral, FER2013 train). */
  browRaiseShape: number;
  /** …and along the direction lowered, drawn-together brows move them (angry vs neutral, FER2013 train). */
  browLowerShape: number;
  /** Mean height of the brows' upper contour above the line of the eye corners. */
  browHeight: number;
  /** Distance from each inner brow end to the inner eye corner below it, mean of both sides. */
  innerBrowToEye: number;
  /** Distance between the two brows' inner ends. */
  browGap: number;
  /** Height of the lip corners above the middle of the mouth (mean of the inner lip points). */
  cornerElevation: number;
  /** Distance between the lip corners. */
  mouthWidth: number;
  /** Height of the cheeks (below the eyes) relative to the eye-corner line. */
  cheekHeight: number;
  /** Vertical gap between the inner lips. */
  lipGap: number;
  /** Drop of the lower inner lip below the subnasale. */
  jawDrop: number;
  eyeAspectRight: number;
  eyeAspectLeft: number;
}

export type MeasureName = keyof FaceMeasures;

const y = (f: ArrayLike<number>, i: number) => f[3 * i + 1];
function dist(f: ArrayLike<number>, i: number, j: number): number {
  return Math.hypot(f[3 * i] - f[3 * j], f[3 * i + 1] - f[3 * j + 1], f[3 * i + 2] - f[3 * j + 2]);
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Soukupová & Čech's eye aspect ratio: lid-to-lid distances over the corner-to-corner width. */
export function eyeAspectRatio(f: ArrayLike<number>, eye: readonly number[]): number {
  const [p1, p2, p3, p4, p5, p6] = eye;
  return (dist(f, p2, p6) + dist(f, p3, p5)) / (2 * dist(f, p1, p4));
}

/**
 * The brow points' coordinates a brow direction weighs, pair k: the right point's x minus its mirror point's x,
 * and the sum of both points' heights, from the midpoint of the inner eye corners (a face and its mirror image give
 * the same values).
 */
export function browFeatures(f: ArrayLike<number>, out = new Float64Array(2 * MESH.browRight.length)): Float64Array {
  const [a, b] = MESH.innerEyeCorners;
  const cy = (y(f, a) + y(f, b)) / 2;
  const n = MESH.browRight.length;
  for (let k = 0; k < n; k++) {
    const r = MESH.browRight[k];
    const l = MESH.browLeft[k];
    out[k] = f[3 * r] - f[3 * l];
    out[n + k] = y(f, r) - cy + (y(f, l) - cy);
  }
  return out;
}

/** Position of the brows along a brow direction, from their browFeatures. */
export function browShapeOf(g: ArrayLike<number>, d: BrowDirection): number {
  const n = MESH.browRight.length;
  let s = 0;
  for (let k = 0; k < n; k++) s += d.right[2 * k] * g[k] + d.right[2 * k + 1] * g[n + k];
  return s;
}

/** The brows' positions along both brow directions, from their browFeatures. */
export function browMeasures(g: ArrayLike<number>, brows: Record<BrowShapeName, BrowDirection>): Pick<FaceMeasures, BrowShapeName> {
  return { browRaiseShape: browShapeOf(g, brows.browRaiseShape), browLowerShape: browShapeOf(g, brows.browLowerShape) };
}

/** Measures of a mesh in the head's own frame (toFaceFrame: y up, canonical centimetres). */
export function measureFace(f: ArrayLike<number>, brows: Record<BrowShapeName, BrowDirection> = BROW_DIRECTIONS): FaceMeasures {
  const eyeLine = mean(MESH.eyeCorners.map((i) => y(f, i)));
  const [c1, c2] = MESH.lipCorners;
  const mouthMid = (y(f, MESH.upperLipInner) + y(f, MESH.lowerLipInner)) / 2;
  return {
    ...browMeasures(browFeatures(f), brows),
    browHeight: mean(MESH.brows.map((i) => y(f, i))) - eyeLine,
    innerBrowToEye: mean(MESH.innerBrowToEye.map(([a, b]) => dist(f, a, b))),
    browGap: mean(MESH.browGap.map(([a, b]) => dist(f, a, b))),
    cornerElevation: (y(f, c1) + y(f, c2)) / 2 - mouthMid,
    mouthWidth: dist(f, c1, c2),
    cheekHeight: mean(MESH.cheeks.map((i) => y(f, i))) - eyeLine,
    lipGap: y(f, MESH.upperLipInner) - y(f, MESH.lowerLipInner),
    jawDrop: y(f, MESH.subnasale) - y(f, MESH.lowerLipInner),
    eyeAspectRight: eyeAspectRatio(f, MESH.rightEye),
    eyeAspectLeft: eyeAspectRatio(f, MESH.leftEye),
  };
}

/**
 * One movement: a measure, where it sits on neutral faces, and how far it moves (signed: negative when the measure
 * shrinks with the movement) on the faces that show the movement most. Fitted by scripts/geometry/calibrate-au.ts.
 */
export interface Movement {
  measure: Exclude<MeasureName, 'eyeAspectLeft' | 'eyeAspectRight'> | 'eyeAspect';
  neutral: number;
  range: number;
}

export const MOVEMENTS = ['browRaise', 'browLower', 'cornersUp', 'cornersDown', 'mouthWider', 'cheeksUp', 'lipsApart', 'jawDown', 'eyesOpen'] as const;
export type MovementName = (typeof MOVEMENTS)[number];
export type AuCalibration = Record<MovementName, Movement>;

/** NaN (a degenerate mesh) and anything at or below neutral give 0. */
const clamp01 = (v: number) => (v > 0 ? (v < 1 ? v : 1) : 0);

function measureValue(m: FaceMeasures, k: Movement['measure']): number {
  return k === 'eyeAspect' ? (m.eyeAspectRight + m.eyeAspectLeft) / 2 : m[k];
}

/** Signed, unclamped position between neutral (0) and the calibrated movement (1). */
export function movementLevel(m: FaceMeasures, mv: Movement): number {
  return (measureValue(m, mv.measure) - mv.neutral) / mv.range;
}

/**
 * Intensities 0–1 (0 = as on neutral faces, 1 = as far as on the faces that showed the movement most):
 *   au01_02 brow raise            the brows' position along the fitted brow-raise direction (browRaiseShape)
 *   au04    brow lowerer          the brows' position along the fitted brow-lowering direction (browLowerShape)
 *   au06_12 cheek raise / smile   lip corners above the mouth's middle, mouth wider, cheeks higher (mean of the three)
 *   au15    lip-corner depressor  lip corners below the mouth's middle
 *   au20    lip stretch           mouth wider, counted only as far as the corners are not raised
 *   au25    lips part             gap between the inner lips
 *   au26    jaw drop              the lower lip's drop below the nose
 *   au43    eye closure           1 − eye aspect ratio / its neutral value (mean of both eyes)
 */
export function actionUnits(m: FaceMeasures, c: AuCalibration = AU_CALIBRATION): AuIntensities {
  const lv = (k: MovementName) => movementLevel(m, c[k]);
  const up = lv('cornersUp');
  const ear = measureValue(m, 'eyeAspect');
  return {
    au01_02: clamp01(lv('browRaise')),
    au04: clamp01(lv('browLower')),
    au06_12: clamp01((up + lv('mouthWider') + lv('cheeksUp')) / 3),
    au15: clamp01(lv('cornersDown')),
    au20: clamp01(lv('mouthWider')) * (1 - clamp01(up)),
    au25: clamp01(lv('lipsApart')),
    au26: clamp01(lv('jawDown')),
    au43: clamp01(1 - ear / c.eyesOpen.neutral),
  };
}
