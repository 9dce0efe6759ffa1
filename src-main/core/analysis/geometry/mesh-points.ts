/**
 * Named face-mesh points (MediaPipe's 468-point topology) used by the geometry. "Right" and "left" are the
 * subject's: in an unmirrored frame the subject's right eye is on the image's left.
 */
export const MESH = {
  /** Eye aspect ratio points, in the order p1 (corner), p2, p3 (upper lid), p4 (other corner), p5, p6 (lower lid). */
  rightEye: [33, 160, 158, 133, 153, 144],
  leftEye: [362, 385, 387, 263, 373, 380],
  /** Outer and inner corners of both eyes: the line brow heights are measured from. */
  eyeCorners: [33, 133, 362, 263],
  /**
   * Both brows, upper and lower contour (MediaPipe's eyebrow annotations), the subject's right then the mirror
   * image of each point on the left: browLeft[k] is browRight[k] mirrored.
   */
  browRight: [156, 70, 63, 105, 66, 107, 55, 193, 35, 124, 46, 53, 52, 65],
  browLeft: [383, 300, 293, 334, 296, 336, 285, 417, 265, 353, 276, 283, 282, 295],
  /** Inner eye corners (right, left): the origin brow shapes are measured from. */
  innerEyeCorners: [133, 362],
  /** Upper contour of both brows, five points each. */
  brows: [70, 63, 105, 66, 107, 300, 293, 334, 296, 336],
  /** Inner brow end and the inner eye corner beside it, per side. */
  innerBrowToEye: [
    [107, 133],
    [336, 362],
  ],
  /** Pairs across the glabella: inner brow ends of both brows. */
  browGap: [
    [55, 285],
    [65, 295],
  ],
  lipCorners: [61, 291],
  upperLipInner: 13,
  lowerLipInner: 14,
  /** Below the nose (subnasale): rigid, the reference for the lower lip's drop. */
  subnasale: 2,
  /** Cheek points below the eyes that rise with AU6. */
  cheeks: [117, 346],
} as const;
