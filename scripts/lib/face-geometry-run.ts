/**
 * Detection → face mesh → geometry over labelled still images, as the app analyses a face: the detector's
 * largest face, the mesh run from the detection and once more from its own region (what tracking gives from a
 * video's second frame on). Small images (face crops such as FER2013's 48×48) are placed in a canvas twice their
 * size first, as eval:faces --through-detector does, so the detector sees a whole face.
 */
import { browFeatures } from '../../src-main/core/analysis/geometry/action-units.js';
import type { FaceGeometry } from '../../src-main/core/analysis/geometry/face-geometry.js';
import { fitHeadPose, toFaceFrame } from '../../src-main/core/analysis/geometry/head-pose.js';
import { MeshStep } from '../../src-main/core/analysis/face/mesh-step.js';
import { FaceDetector } from '../../src-main/core/inference/face/face-detector.js';
import type { PixelFrame } from '../../src-main/core/inference/face/frame.js';
import { toGray } from '../../src-main/core/analysis/face/gray-resize.js';
import type { InferenceService } from '../../src-main/core/inference/inference-service.js';
import { defaultModelFor } from '../../src-main/core/inference/manifest.js';
import { decodeImageFile } from './decode-image.js';
import { embedFaceCrop } from './embed-face-crop.js';

const CROP_MAX_SIDE = 96;
const BATCH = 32;
const GRAY: [number, number, number] = [0.2989, 0.587, 0.114];

export interface GeometryRow {
  file: string;
  label: string;
  /** null: no face detected (or no plausible mesh). */
  geometry: FaceGeometry | null;
  /** The brow points' coordinates in the head's frame (browFeatures), which the brow directions are fitted on. */
  brows: Float64Array | null;
}

export function imageFrame(file: string): PixelFrame {
  const img = decodeImageFile(file);
  if (Math.max(img.width, img.height) <= CROP_MAX_SIDE) return embedFaceCrop(toGray(img.rgba, img.width, img.height, 4, GRAY), img.width, img.height);
  return { tMs: 0, width: img.width, height: img.height, data: img.rgba, channels: 4 };
}

export async function geometryOfImages(
  svc: InferenceService,
  items: Array<{ file: string; label: string }>,
  onProgress?: (done: number) => void,
): Promise<{ rows: GeometryRow[]; detectorId: string; landmarkId: string; landmarkSha256: string }> {
  const detector = FaceDetector.fromManifest(svc, defaultModelFor(svc.manifest, 'face-detector'));
  await svc.load(detector.entry.id);
  const stage = await MeshStep.create(svc);
  const rows: GeometryRow[] = [];
  for (let s = 0; s < items.length; s += BATCH) {
    const batch = items.slice(s, s + BATCH);
    const frames = batch.map((it) => imageFrame(it.file));
    const dets = await detector.detect(frames);
    const faces = dets.flatMap((d, i) => {
      if (!d.length) return [];
      const b = d.reduce((a, c) => (a.box.w * a.box.h >= c.box.w * c.box.h ? a : c));
      return [{ frame: i, box: b.box, rightEye: b.landmarks.rightEye, leftEye: b.landmarks.leftEye }];
    });
    const res = await stage.stills(frames, faces);
    const byFrame = new Map(faces.map((f, k) => [f.frame, res[k]]));
    batch.forEach((it, i) => {
      const r = byFrame.get(i);
      const pose = r?.geometry ? fitHeadPose(r.mesh.points) : null;
      rows.push({ file: it.file, label: it.label, geometry: r?.geometry ?? null, brows: r && pose ? browFeatures(toFaceFrame(r.mesh.points, pose)) : null });
    });
    onProgress?.(rows.length);
  }
  return { rows, detectorId: detector.entry.id, landmarkId: stage.entry.id, landmarkSha256: stage.entry.sha256 };
}
