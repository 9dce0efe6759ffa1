/**
 * A face the preview detector found (preview-detector.ts), in its own module so the window can handle faces
 * without importing tasks-vision, which only its worker loads.
 */
export interface PreviewFace {
  /** Detector score, 0..1. */
  score: number;
  /** Pixels of the image passed in: top-left corner and size. */
  box: { x: number; y: number; w: number; h: number };
  /** Pixels: right eye, left eye, nose tip, mouth centre, right ear tragion, left ear tragion (the person's sides). */
  keypoints: Array<[number, number]>;
}

/** A face in pixels `k` times larger (k = 1: the same face). */
export function scaleFace(f: PreviewFace, k: number): PreviewFace {
  if (k === 1) return f;
  return {
    score: f.score,
    box: { x: f.box.x * k, y: f.box.y * k, w: f.box.w * k, h: f.box.h * k },
    keypoints: f.keypoints.map(([x, y]) => [x * k, y * k] as [number, number]),
  };
}
