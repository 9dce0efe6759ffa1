/**
 * Action-unit estimates from landmark geometry. These are geometric estimates, not FACS-coded action units: each
 * is a distance in the head's own frame (pose and face size removed, canonical centimetres; see head-pose.ts)
 * compared with its value on neutral faces and scaled by how far it moves on faces that show the movement.
 * models/MODEL_CARD.md ("Face geometry") says how each is computed and what it was checked against.
 */
import { AU_CALIBRATION } from './au-calibration.js';
import { MESH } from './mesh-points.js';

import { AU_NAMES, type AuName } from '../../../../src-shared/face-geometry.js';

export { AU_NAMES, type AuName };
export type AuIntensities = Record<AuName, number>;

/** The raw distances (canonical cm; eye aspect ratios are unitless) the estimates are made from. */
export interface FaceMeasures {
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

/** Measures of a mesh in the head's own frame (toFaceFrame: y up, canonical centimetres). */
export function measureFace(f: ArrayLike<number>): FaceMeasures {
  const eyeLine = mean(MESH.eyeCorners.map((i) => y(f, i)));
  const [c1, c2] = MESH.lipCorners;
  const mouthMid = (y(f, MESH.upperLipInner) + y(f, MESH.lowerLipInner)) / 2;
  return {
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

export const MOVEMENTS = ['browRaise', 'innerBrowDown', 'browsTogether', 'cornersUp', 'cornersDown', 'mouthWider', 'cheeksUp', 'lipsApart', 'jawDown', 'eyesOpen'] as const;
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
 *   au01_02 brow raise            brow height above the eye corners
 *   au04    brow lowerer          inner brows nearer the inner eye corners and nearer each other (mean of both)
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
    au04: clamp01((lv('innerBrowDown') + lv('browsTogether')) / 2),
    au06_12: clamp01((up + lv('mouthWider') + lv('cheeksUp')) / 3),
    au15: clamp01(lv('cornersDown')),
    au20: clamp01(lv('mouthWider')) * (1 - clamp01(up)),
    au25: clamp01(lv('lipsApart')),
    au26: clamp01(lv('jawDown')),
    au43: clamp01(1 - ear / c.eyesOpen.neutral),
  };
}
