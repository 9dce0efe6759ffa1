/**
 * The quality judgement of one face observation. The thresholds are documented (and their derivation
 * explained) in models/MODEL_CARD.md, "Face observation quality"; change both together.
 */
import type { FaceQuality } from '../../../../src-shared/contract/face.js';

export interface QualityThresholds {
  /** Detector score (sigmoid) at least this. */
  minDetScore: number;
  /** Longer side of the face box, pixels of the analysed frame (short side ≤ 480). */
  minSizePx: number;
  /** |roll| at most this many degrees: beyond it the eye keypoints, and so the alignment, get unsure. */
  maxAbsRollDeg: number;
  /** Variance of the Laplacian of the 64×64 gray crop (0..255) at least this. */
  minSharpness: number;
}

export const DEFAULT_QUALITY: QualityThresholds = { minDetScore: 0.75, minSizePx: 48, maxAbsRollDeg: 30, minSharpness: 150 };

/** Side of the gray crop the sharpness threshold applies to. */
export const QUALITY_CROP = 64;

export function judgeQuality(m: { detScore: number; sizePx: number; rollDeg: number; sharpness: number }, t: QualityThresholds = DEFAULT_QUALITY): FaceQuality {
  const reasons: FaceQuality['reasons'] = [];
  if (!(m.detScore >= t.minDetScore)) reasons.push('score');
  if (!(m.sizePx >= t.minSizePx)) reasons.push('size');
  if (!(Math.abs(m.rollDeg) <= t.maxAbsRollDeg)) reasons.push('roll');
  if (!(m.sharpness >= t.minSharpness)) reasons.push('sharpness');
  return { ...m, reliable: reasons.length === 0, reasons };
}
