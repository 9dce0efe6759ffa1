/**
 * Runs the manifest's face detector on a batch of frames (one model call) and returns faces in frame pixels.
 */
import type { InferenceService } from '../inference-service.js';
import type { ModelEntry } from '../manifest.js';
import { type BlazeFaceDecoderSpec, decodeCandidates, ssdAnchors, weightedNms } from './blazeface-decode.js';
import type { PixelFrame } from './frame.js';
import { letterboxFor, toFramePx, writeLetterboxed } from './letterbox.js';
import { inputNormalisation } from './model-io.js';

export interface FaceLandmarks {
  /** The subject's right eye (image left for an unmirrored upright face). */
  rightEye: [number, number];
  leftEye: [number, number];
  mouth: [number, number];
}

export interface DetectedFace {
  score: number;
  /** Frame pixels, top-left corner and size. */
  box: { x: number; y: number; w: number; h: number };
  /** Frame pixels, in the decoder's keypoint order (manifest decoder.keypoints). */
  keypoints: Array<[number, number]>;
  /** The keypoints the crop uses, picked by name from the decoder's list. */
  landmarks: FaceLandmarks;
}

export class FaceDetector {
  private readonly anchors: Float32Array;
  private readonly size: number;
  private readonly norm: { scale: number; offset: number };
  private readonly inputName: string;
  private readonly outputName: string;
  private readonly landmarkIndex: { rightEye: number; leftEye: number; mouth: number };

  constructor(
    private readonly svc: InferenceService,
    readonly entry: ModelEntry,
    readonly decoder: BlazeFaceDecoderSpec,
  ) {
    this.anchors = ssdAnchors(decoder);
    const input = entry.inputs[0];
    this.norm = inputNormalisation(entry);
    this.size = input.shape[1];
    if (input.shape[1] !== decoder.inputSize || input.shape[2] !== decoder.inputSize || input.shape[3] !== 3) {
      throw new Error(`Detector ${entry.id}: input shape ${input.shape} does not match decoder input size ${decoder.inputSize}`);
    }
    this.inputName = input.name;
    this.outputName = entry.outputs[0].name;
    const idx = (name: string) => {
      const i = decoder.keypoints.indexOf(name);
      if (i < 0) throw new Error(`Detector ${entry.id}: decoder.keypoints lacks "${name}"`);
      return i;
    };
    this.landmarkIndex = { rightEye: idx('right_eye'), leftEye: idx('left_eye'), mouth: idx('mouth_centre') };
  }

  static fromManifest(svc: InferenceService, entry: ModelEntry): FaceDetector {
    const d = (entry as { decoder?: unknown }).decoder as (BlazeFaceDecoderSpec & { kind?: string }) | undefined;
    if (!d || d.kind !== 'blazeface-ssd') throw new Error(`Detector ${entry.id} has no blazeface-ssd decoder in models/manifest.json`);
    return new FaceDetector(svc, entry, d);
  }

  /** Builds the batch input on this thread; kept separate so callers can overlap it with a running model call. */
  toInput(frames: PixelFrame[]): Float32Array {
    const S = this.size;
    const data = new Float32Array(frames.length * S * S * 3);
    frames.forEach((f, i) => writeLetterboxed(f, letterboxFor(f.width, f.height, S), data, i * S * S * 3, this.norm.scale, this.norm.offset));
    return data;
  }

  async detect(frames: PixelFrame[], minScore = this.decoder.minScore): Promise<DetectedFace[][]> {
    if (!frames.length) return [];
    return this.detectPrepared(frames, this.toInput(frames), minScore);
  }

  async detectPrepared(frames: PixelFrame[], input: Float32Array, minScore = this.decoder.minScore): Promise<DetectedFace[][]> {
    const S = this.size;
    const out = await this.svc.run(this.entry.id, { [this.inputName]: { dtype: 'float32', data: input, dims: [frames.length, S, S, 3] } });
    const raw = out[this.outputName].data as Float32Array;
    const per = raw.length / frames.length;
    return frames.map((f, i) => {
      const lb = letterboxFor(f.width, f.height, S);
      const dets = weightedNms(decodeCandidates(raw, i * per, this.anchors, this.decoder, minScore), this.decoder.nmsIou);
      return dets.map((d) => {
        const [x0, y0] = toFramePx(lb, d.cx - d.w / 2, d.cy - d.h / 2);
        const [x1, y1] = toFramePx(lb, d.cx + d.w / 2, d.cy + d.h / 2);
        const keypoints = d.keypoints.map(([u, v]) => toFramePx(lb, u, v));
        const li = this.landmarkIndex;
        return {
          score: d.score,
          box: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 },
          keypoints,
          landmarks: { rightEye: keypoints[li.rightEye], leftEye: keypoints[li.leftEye], mouth: keypoints[li.mouth] },
        };
      });
    });
  }
}
