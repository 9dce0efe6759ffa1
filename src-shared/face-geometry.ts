/**
 * Face geometry as every layer sees it: head pose, eye openness, blinks and action-unit estimates per face
 * observation. The AUs are geometric estimates from the face mesh, not FACS-coded action units
 * (models/MODEL_CARD.md, "Face geometry"; docs/csv.md).
 */
import { z } from 'zod';

/** Column and key names, in CSV order. */
export const AU_NAMES = ['au01_02', 'au04', 'au06_12', 'au15', 'au20', 'au25', 'au26', 'au43'] as const;
export type AuName = (typeof AU_NAMES)[number];

/** Face-mesh points per face (x, y, z each, frame pixels rounded to 0.1 px; z: depth, larger = farther). */
export const MESH_POINTS = 468;

export const faceGeometrySchema = z.object({
  /** Degrees, as seen in the analysed frame: yaw > 0 the face turns to the image's right, pitch > 0 up, roll > 0 clockwise. */
  yawDeg: z.number(),
  pitchDeg: z.number(),
  rollDeg: z.number(),
  /** Eye aspect ratio of the subject's left / right eye (about 0.25–0.35 open, under 0.15 closed). */
  eyeOpenLeft: z.number(),
  eyeOpenRight: z.number(),
  /** True on the frame at which a blink ended (one per blink). */
  blink: z.boolean(),
  au: z.object(Object.fromEntries(AU_NAMES.map((a) => [a, z.number().min(0).max(1)])) as Record<AuName, z.ZodNumber>),
  /** The mesh's 468 points as x0, y0, z0, x1, … in frame pixels, when asked for (live overlay, landmark export). */
  landmarks: z.array(z.number()).length(3 * MESH_POINTS).optional(),
});
export type FaceGeometryView = z.infer<typeof faceGeometrySchema>;

/**
 * Head rotation R = Rz(roll) · Ry(yaw) · Rx(pitch), row-major, canonical face → camera frame (x right, y up, z towards
 * the camera), for angles in the signs above. Shared by the pose fit (core) and the overlay's axes (renderer).
 */
export function rotationFromEuler(yawDeg: number, pitchDeg: number, rollDeg: number): number[] {
  const a = (-pitchDeg * Math.PI) / 180;
  const b = (yawDeg * Math.PI) / 180;
  const g = (-rollDeg * Math.PI) / 180;
  const [ca, sa, cb, sb, cg, sg] = [Math.cos(a), Math.sin(a), Math.cos(b), Math.sin(b), Math.cos(g), Math.sin(g)];
  return [
    cg * cb, cg * sb * sa - sg * ca, cg * sb * ca + sg * sa,
    sg * cb, sg * sb * sa + cg * ca, sg * sb * ca - cg * sa,
    -sb, cb * sa, cb * ca,
  ];
}

/** The head's three axes as image directions (x right, y down), unit length before projection: for drawing. */
export function poseAxes(yawDeg: number, pitchDeg: number, rollDeg: number): { x: [number, number]; y: [number, number]; z: [number, number] } {
  const r = rotationFromEuler(yawDeg, pitchDeg, rollDeg);
  // Column k of R is where the head's axis k points; image y runs down.
  return { x: [r[0], -r[3]], y: [r[1], -r[4]], z: [r[2], -r[5]] };
}
