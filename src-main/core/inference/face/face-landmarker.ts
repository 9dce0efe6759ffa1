/**
 * Runs the manifest's face-mesh model on the faces of a batch of frames (one model call) and returns each face's
 * 468 points in frame pixels with the model's face probability.
 */
import type { PixelFrame } from './frame.js';
import { inputNormalisation } from './model-io.js';
import type { InferenceService } from '../inference-service.js';
import type { ModelEntry } from '../manifest.js';
import { meshToFrame, type MeshRoi, writeRoiRgb } from './mesh-roi.js';

export interface FaceMesh {
  /** x, y (frame pixels) and z (same unit, larger = farther from the camera) per point. */
  points: Float32Array;
  /** The model's probability that its region holds a face. */
  faceScore: number;
  roi: MeshRoi;
}

export class FaceLandmarker {
  readonly size: number;
  readonly points: number;
  /** Region side as a multiple of the detector box's longer side (manifest roi.scale). */
  readonly roiScale: number;
  private readonly norm: { scale: number; offset: number };
  private readonly inputName: string;
  private readonly meshName: string;
  private readonly flagName: string;

  constructor(
    private readonly svc: InferenceService,
    readonly entry: ModelEntry,
    private readonly maxBatch = 32,
  ) {
    const input = entry.inputs[0];
    if (input.shape.length !== 4 || input.shape[1] !== input.shape[2] || input.shape[3] !== 3) {
      throw new Error(`Landmark model ${entry.id}: expected NHWC [batch, S, S, 3] input, manifest says ${JSON.stringify(input.shape)}`);
    }
    this.size = input.shape[1];
    this.norm = inputNormalisation(entry);
    this.inputName = input.name;
    const mesh = entry.outputs.find((o) => o.name === 'mesh');
    const flag = entry.outputs.find((o) => o.name === 'face_flag');
    if (!mesh || !flag) throw new Error(`Landmark model ${entry.id}: outputs "mesh" and "face_flag" are required in models/manifest.json`);
    this.meshName = mesh.name;
    this.flagName = flag.name;
    this.points = mesh.shape[1] / 3;
    const roi = (entry as { roi?: { scale?: unknown } }).roi;
    if (!roi || typeof roi.scale !== 'number' || !(roi.scale > 0)) throw new Error(`Landmark model ${entry.id}: roi.scale is missing in models/manifest.json`);
    this.roiScale = roi.scale;
  }

  /** One region per face; `frameOf[i]` says which frame face i is in. */
  async landmarks(frames: PixelFrame[], rois: MeshRoi[], frameOf: number[]): Promise<FaceMesh[]> {
    const S = this.size;
    const per = S * S * 3;
    const out: FaceMesh[] = [];
    for (let start = 0; start < rois.length; start += this.maxBatch) {
      const n = Math.min(this.maxBatch, rois.length - start);
      const input = new Float32Array(n * per);
      for (let i = 0; i < n; i++) writeRoiRgb(frames[frameOf[start + i]], rois[start + i], S, input, i * per, this.norm.scale, this.norm.offset);
      const res = await this.svc.run(this.entry.id, { [this.inputName]: { dtype: 'float32', data: input, dims: [n, S, S, 3] } });
      const mesh = res[this.meshName].data as Float32Array;
      const flag = res[this.flagName].data as Float32Array;
      const P = this.points;
      for (let i = 0; i < n; i++) {
        const roi = rois[start + i];
        out.push({ points: meshToFrame(mesh, i * P * 3, P, roi, S), faceScore: flag[i], roi });
      }
    }
    return out;
  }
}
