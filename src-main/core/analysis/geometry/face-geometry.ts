/**
 * Everything the geometry reads off one face mesh: head pose, per-eye openness and action-unit estimates.
 * Pure: a mesh in, numbers out.
 */
import { type AuIntensities, actionUnits, type FaceMeasures, measureFace } from './action-units.js';
import { fitHeadPose, toFaceFrame } from './head-pose.js';

export interface FaceGeometry {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
  /** Eye aspect ratio of the subject's left / right eye in the head's own frame (about 0.25–0.35 open, under 0.15 closed). */
  eyeOpenLeft: number;
  eyeOpenRight: number;
  au: AuIntensities;
  /** RMS distance (cm) of the rigid points from the fitted canonical face: large when the mesh is not a plausible face. */
  poseResidualCm: number;
  measures: FaceMeasures;
}

export function geometryFromMesh(points: ArrayLike<number>): FaceGeometry | null {
  const pose = fitHeadPose(points);
  if (!pose) return null;
  const measures = measureFace(toFaceFrame(points, pose));
  return {
    yawDeg: pose.yawDeg,
    pitchDeg: pose.pitchDeg,
    rollDeg: pose.rollDeg,
    eyeOpenLeft: measures.eyeAspectLeft,
    eyeOpenRight: measures.eyeAspectRight,
    au: actionUnits(measures),
    poseResidualCm: pose.residualCm,
    measures,
  };
}
