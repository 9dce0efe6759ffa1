/**
 * The face stage's mesh step: runs the face mesh on the tracked faces of a batch of frames and reads their
 * geometry (analysis/geometry/: head pose, eyes, AU estimates; blinks per track). As MediaPipe's face
 * tracking does, a face seen in an earlier frame gets its mesh region from that frame's mesh (tighter and better
 * turned than the detector's box) and a new face gets it from the detection; a still image runs the mesh twice to
 * the same effect (`stills`).
 */
import type { PixelFrame } from '../../inference/face/frame.js';
import type { InferenceService } from '../../inference/inference-service.js';
import { defaultModelFor, getModel, type ModelEntry } from '../../inference/manifest.js';
import { FaceLandmarker, type FaceMesh } from '../../inference/face/face-landmarker.js';
import { type MeshRoi, roiFromDetection, roiFromMesh } from '../../inference/face/mesh-roi.js';
import { BlinkDetector } from '../geometry/blinks.js';
import { type FaceGeometry, geometryFromMesh } from '../geometry/face-geometry.js';

export interface MeshFace {
  /** Frame index within the batch. */
  frame: number;
  trackId: number | null;
  box: { x: number; y: number; w: number; h: number };
  rightEye: [number, number];
  leftEye: [number, number];
}

export interface MeshResult {
  mesh: FaceMesh;
  geometry: FaceGeometry | null;
  /** A blink of this track ended on this frame (video only). */
  blink: boolean;
}

/** What one stream of frames (a live session, a media file) carries from frame to frame, per track. */
export class MeshTracks {
  readonly regions = new Map<number, { tMs: number; roi: MeshRoi }>();
  readonly blinks = new Map<number, BlinkDetector>();

  blinkDetector(trackId: number): BlinkDetector {
    let d = this.blinks.get(trackId);
    if (!d) this.blinks.set(trackId, (d = new BlinkDetector()));
    return d;
  }

  reset(): void {
    this.regions.clear();
    this.blinks.clear();
  }
}

export interface MeshStepOptions {
  landmarkId?: string;
  /** A region from the previous mesh is used only within this time (ms) of it. */
  maxGapMs?: number;
  /** …and while the detection's centre is within this fraction of the region's side from the region's centre. */
  maxShift?: number;
}

export class MeshStep {
  private constructor(
    readonly landmarker: FaceLandmarker,
    private readonly maxGapMs: number,
    private readonly maxShift: number,
  ) {}

  static async create(svc: InferenceService, opts: MeshStepOptions = {}): Promise<MeshStep> {
    const entry: ModelEntry = opts.landmarkId ? getModel(svc.manifest, opts.landmarkId) : defaultModelFor(svc.manifest, 'face-landmarks');
    await svc.load(entry.id);
    return new MeshStep(new FaceLandmarker(svc, entry), opts.maxGapMs ?? 250, opts.maxShift ?? 0.25);
  }

  get entry(): ModelEntry {
    return this.landmarker.entry;
  }

  /**
   * Faces of frames in time order, all in one model call: a tracked face takes its region from the last mesh of
   * its track before this batch (a few frames back at most, and only while the detection has not moved away from
   * it), else from its detection. Each face then feeds its track's blink detector, in time order.
   */
  async process(frames: PixelFrame[], faces: MeshFace[], stream: MeshTracks): Promise<MeshResult[]> {
    const rois = faces.map((f) => this.regionFor(frames[f.frame], f, stream));
    const meshes = await this.landmarker.landmarks(frames, rois, faces.map((f) => f.frame));
    return faces.map((f, k) => {
      const geometry = geometryFromMesh(meshes[k].points);
      const tMs = frames[f.frame].tMs;
      let blink = false;
      if (f.trackId !== null) {
        stream.regions.set(f.trackId, { tMs, roi: roiFromMesh(meshes[k].points, this.landmarker.roiScale) });
        if (geometry) blink = stream.blinkDetector(f.trackId).push(tMs, (geometry.eyeOpenLeft + geometry.eyeOpenRight) / 2).blink;
      }
      return { mesh: meshes[k], geometry, blink };
    });
  }

  /** Still images (one face each, `frame` indexes `frames`): the detection's region, then again from the mesh found there. */
  async stills(frames: PixelFrame[], faces: Array<Omit<MeshFace, 'trackId'>>, passes = 2): Promise<MeshResult[]> {
    let rois = faces.map((f) => roiFromDetection(f.box, f.rightEye, f.leftEye, this.landmarker.roiScale));
    let meshes: FaceMesh[] = [];
    for (let p = 0; p < passes; p++) {
      meshes = await this.landmarker.landmarks(frames, rois, faces.map((f) => f.frame));
      rois = meshes.map((m) => roiFromMesh(m.points, this.landmarker.roiScale));
    }
    return meshes.map((mesh) => ({ mesh, geometry: geometryFromMesh(mesh.points), blink: false }));
  }

  private regionFor(frame: PixelFrame, f: MeshFace, stream: MeshTracks): MeshRoi {
    const det = roiFromDetection(f.box, f.rightEye, f.leftEye, this.landmarker.roiScale);
    const prev = f.trackId === null ? undefined : stream.regions.get(f.trackId);
    if (prev && frame.tMs - prev.tMs >= 0 && frame.tMs - prev.tMs <= this.maxGapMs) {
      const shift = Math.hypot(prev.roi.cx - det.cx, prev.roi.cy - det.cy) / prev.roi.side;
      if (shift <= this.maxShift) return prev.roi;
    }
    return det;
  }
}
