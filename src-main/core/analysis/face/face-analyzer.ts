/**
 * The face half of the analysis: frames in, per-face tracked boxes, quality, seven canonical emotion
 * probabilities and (with the face mesh on) head pose, eyes, blinks and AU estimates out. One pipeline for live
 * frames (analyzeFrames) and media files (analyzeMediaFile); all faces of a call (several frames offline) go to
 * the mesh and to the classifier in one model call each.
 */
import { EMOTIONS, type Emotion } from '../../../../src-shared/emotions.js';
import type { AnalysisParams } from '../../../../src-shared/analysis.js';
import type { FaceObservation, FrameFaces, LiveFrame } from '../../../../src-shared/contract/face.js';
import type { FaceGeometryView } from '../../../../src-shared/face-geometry.js';
import { probeMedia } from '../../media/ffmpeg.js';
import { type DecodedFrame, decodeVideoFrames } from '../../media/video-frames.js';
import type { InferenceService } from '../../inference/inference-service.js';
import { defaultModelFor, getModel, type ModelEntry } from '../../inference/manifest.js';
import { type CropParams, cropGeometry, cropGray, type FaceLandmarks, laplacianVariance } from './align-crop.js';
import { EmotionClassifier } from '../../inference/face/emotion-classifier.js';
import { type DetectedFace, FaceDetector } from '../../inference/face/face-detector.js';
import { type MeshFace, type MeshResult, MeshStep, MeshTracks } from './mesh-step.js';
import { DEFAULT_TRACKER, FaceTracker, type TrackerOptions } from './face-tracker.js';
import { type FrameInput, type PixelFrame, toPixelFrame } from '../../inference/face/frame.js';
import { resizeArea } from './gray-resize.js';
import { DEFAULT_QUALITY, judgeQuality, QUALITY_CROP, type QualityThresholds } from './quality.js';
import type { LiveStream, ProcessRun, Stage } from '../stage.js';

export interface FaceAnalyzerOptions {
  detectorId?: string;
  emotionId?: string;
  quality?: QualityThresholds;
  tracker?: TrackerOptions;
  /**
   * Face mesh, head pose, eyes and AU estimates on every tracked face (default on when the manifest has a
   * face-landmarks model); false switches them off.
   */
  mesh?: boolean;
  landmarkId?: string;
  /** Put the mesh's 2-D points in each observation (live overlay, landmark export). */
  landmarks?: boolean;
  /** Eye line of the emotion crop: the detector's eye keypoints or the mesh's eye centres (models/MODEL_CARD.md). */
  alignFrom?: 'detector' | 'mesh';
}

/** Where the emotion crop's eye line comes from when not chosen: measured with eval:faces --through-detector. */
export const DEFAULT_ALIGN: 'detector' | 'mesh' = 'detector';

export interface MediaAnalysisOptions extends ProcessRun<FrameFaces> {
  /** Analysis rate in Hz; omitted: every frame. */
  rateHz?: number;
  /** Frames per detector call (and per classifier call). */
  batchFrames?: number;
}

export interface MediaAnalysisSummary {
  frames: number;
  framesWithFace: number;
  observations: number;
  reliableObservations: number;
  durationMs: number | null;
  lastFrameMs: number | null;
}

export interface ModelRef {
  id: string;
  sha256: string;
  provider: string;
  fallbackReason: string | null;
}

/**
 * Crop for a model trained on FER2013-style crops when its manifest entry has no `crop` field; measured with
 * scripts/models/calibrate-face-crop.ts (see models/MODEL_CARD.md).
 */
export const DEFAULT_CROP: CropParams = { margin: 0.2, shiftY: -0.05 };

function dominant(probs: ReadonlyArray<number | null>): Emotion {
  let best = 0;
  for (let i = 1; i < probs.length; i++) if ((probs[i] ?? -1) > (probs[best] ?? -1)) best = i;
  return EMOTIONS[best];
}

/** The mesh's eye centres (mean of each eye's two corners), in the detector's landmark form. */
function meshEyes(points: Float32Array, mouthFrom: FaceLandmarks): FaceLandmarks {
  const mid = (a: number, b: number): [number, number] => [(points[3 * a] + points[3 * b]) / 2, (points[3 * a + 1] + points[3 * b + 1]) / 2];
  return { rightEye: mid(33, 133), leftEye: mid(362, 263), mouth: mouthFrom.mouth };
}

function geometryView(r: MeshResult, withLandmarks: boolean): FaceGeometryView | undefined {
  const g = r.geometry;
  if (!g) return undefined;
  const view: FaceGeometryView = {
    yawDeg: g.yawDeg,
    pitchDeg: g.pitchDeg,
    rollDeg: g.rollDeg,
    eyeOpenLeft: g.eyeOpenLeft,
    eyeOpenRight: g.eyeOpenRight,
    blink: r.blink,
    au: { ...g.au },
  };
  if (withLandmarks) {
    view.landmarks = Array.from(r.mesh.points, (v) => Math.round(v * 10) / 10);
  }
  return view;
}

/**
 * The face stage: detect → track → (face mesh: head pose, eyes, blinks, AU estimates) → crop → judge quality →
 * classify, for live frames and media files.
 */
export class FaceAnalyzer implements Stage<'video', FrameFaces> {
  readonly modality = 'face';
  readonly source = 'video' as const;
  readonly notes: readonly string[] = [];
  private readonly liveTracker: FaceTracker;
  /** Per stream of frames (one tracker each): mesh regions and blink detectors per track. */
  private readonly streams = new WeakMap<FaceTracker, MeshTracks>();

  private constructor(
    readonly detector: FaceDetector,
    readonly classifier: EmotionClassifier,
    readonly crop: CropParams,
    private readonly quality: QualityThresholds,
    private readonly trackerOpts: TrackerOptions,
    readonly modelRefs: { detector: ModelRef; emotion: ModelRef; landmarks: ModelRef | null },
    readonly mesh: MeshStep | null,
    readonly alignFrom: 'detector' | 'mesh',
    /** Observations of media files carry the mesh's points (the run keeps them for the landmark export). */
    private readonly filePoints: boolean,
  ) {
    this.liveTracker = new FaceTracker(trackerOpts);
  }

  private streamOf(tracker: FaceTracker): MeshTracks {
    let s = this.streams.get(tracker);
    if (!s) this.streams.set(tracker, (s = new MeshTracks()));
    return s;
  }

  get modelIds(): readonly string[] {
    return [this.modelRefs.detector.id, this.modelRefs.emotion.id, ...(this.modelRefs.landmarks ? [this.modelRefs.landmarks.id] : [])];
  }

  /**
   * The stage as a run's settings ask for it, on the same loaded models: without the face mesh (faster), or
   * keeping each observation's mesh points for the landmark export.
   */
  configured(params: AnalysisParams): FaceAnalyzer {
    const mesh = params.geometry.mesh ? this.mesh : null;
    const points = mesh !== null && params.geometry.keepLandmarks;
    if (mesh === this.mesh && points === this.filePoints) return this;
    const refs = { ...this.modelRefs, landmarks: mesh ? this.modelRefs.landmarks : null };
    return new FaceAnalyzer(this.detector, this.classifier, this.crop, this.quality, this.trackerOpts, refs, mesh, mesh ? this.alignFrom : 'detector', points);
  }

  /** One session's live frames, with tracks of their own; results carry the mesh's points for the overlay. */
  open(): LiveStream<readonly LiveFrame[], FrameFaces> {
    const tracker = this.newTracker();
    return { push: (frames) => this.analyzeFrames(frames, tracker, { points: true }), finish: async () => [] };
  }

  async process(file: string, run: ProcessRun<FrameFaces>): Promise<void> {
    await this.analyzeMediaFile(file, run);
  }

  static async create(svc: InferenceService, opts: FaceAnalyzerOptions = {}): Promise<FaceAnalyzer> {
    const m = svc.manifest;
    const det: ModelEntry = opts.detectorId ? getModel(m, opts.detectorId) : defaultModelFor(m, 'face-detector');
    const emo: ModelEntry = opts.emotionId ? getModel(m, opts.emotionId) : defaultModelFor(m, 'face-emotion');
    const [detInfo, emoInfo] = [await svc.load(det.id), await svc.load(emo.id)];
    const wantMesh = opts.mesh ?? m.models.some((x) => x.task === 'face-landmarks');
    const mesh = wantMesh ? await MeshStep.create(svc, { landmarkId: opts.landmarkId }) : null;
    const lmInfo = mesh ? await svc.load(mesh.entry.id) : null;
    const crop = { ...DEFAULT_CROP, ...((emo as { crop?: Partial<CropParams> }).crop ?? {}) };
    const ref = (e: ModelEntry, i: { provider: string; fallbackReason: string | null }): ModelRef => ({
      id: e.id,
      sha256: e.sha256,
      provider: i.provider,
      fallbackReason: i.fallbackReason,
    });
    return new FaceAnalyzer(
      FaceDetector.fromManifest(svc, det),
      new EmotionClassifier(svc, emo),
      crop,
      opts.quality ?? DEFAULT_QUALITY,
      opts.tracker ?? DEFAULT_TRACKER,
      { detector: ref(det, detInfo), emotion: ref(emo, emoInfo), landmarks: mesh && lmInfo ? ref(mesh.entry, lmInfo) : null },
      mesh,
      mesh ? (opts.alignFrom ?? DEFAULT_ALIGN) : 'detector',
      opts.landmarks ?? false,
    );
  }

  /**
   * Live frames of one session, in time order; tracks carry over between calls until resetTracks(). Pass a
   * tracker of your own (new FaceTracker()) to keep several live streams apart.
   */
  async analyzeFrames(frames: readonly FrameInput[], tracker: FaceTracker = this.liveTracker, opts: { points?: boolean } = {}): Promise<FrameFaces[]> {
    const pixels = frames.map(toPixelFrame);
    const detections = await this.detector.detect(pixels);
    return this.finish(pixels, detections, tracker, opts);
  }

  /** A tracker with this analyzer's settings, for a stream of frames of its own. */
  newTracker(): FaceTracker {
    return new FaceTracker(this.trackerOpts);
  }

  resetTracks(): void {
    this.liveTracker.reset();
    this.streams.get(this.liveTracker)?.reset();
  }

  /**
   * Tracks, meshes, crops, judges and classifies the detections of several frames (all faces in one model call
   * each). Frames must be in time order. `points`: observations carry the mesh's points (default: as configured).
   */
  async finish(frames: PixelFrame[], detections: DetectedFace[][], tracker: FaceTracker, opts: { points?: boolean } = {}): Promise<FrameFaces[]> {
    const points = opts.points ?? this.filePoints;
    const S = this.classifier.size;
    // Sharpness is judged on a 64×64 crop whatever the classifier's input size (its threshold was calibrated
    // there); a classifier of another size gets that crop resized rather than a second crop from the frame,
    // which measured about as costly as the rest of a face's analysis.
    const qualityCrop = S === QUALITY_CROP ? null : new Float32Array(QUALITY_CROP * QUALITY_CROP);
    const total = detections.reduce((a, d) => a + d.length, 0);
    const crops = new Float32Array(total * S * S);
    const pending: Array<Omit<FaceObservation, 'probs' | 'dominant'>> = [];
    const perFrame: number[] = [];
    const ids = frames.map((frame, i) =>
      tracker.update(
        frame.tMs,
        detections[i].map((d) => d.box),
        frame.width,
        frame.height,
      ),
    );
    // The mesh of every face of the batch in one model call. With the detector's eye line for the emotion crop,
    // the crops below are cut on this thread while the worker runs the mesh.
    let geo: MeshResult[] = [];
    let geoPending: Promise<MeshResult[]> | null = null;
    if (this.mesh && total) {
      const faces: MeshFace[] = detections.flatMap((dets, i) =>
        dets.map((d, j) => ({ frame: i, trackId: ids[i][j].trackId, box: d.box, rightEye: d.landmarks.rightEye, leftEye: d.landmarks.leftEye })),
      );
      geoPending = this.mesh.process(frames, faces, this.streamOf(tracker));
      // Keep a failure from counting as unhandled while the crops are cut; it is thrown below.
      geoPending.catch(() => undefined);
      if (this.alignFrom === 'mesh') geo = await geoPending;
    }
    let k = 0;
    frames.forEach((frame, i) => {
      const dets = detections[i];
      dets.forEach((d, j) => {
        const g = geo[k];
        const eyes = this.alignFrom === 'mesh' && g?.geometry ? meshEyes(g.mesh.points, d.landmarks) : d.landmarks;
        const geom = cropGeometry(d.box, eyes, this.crop);
        let sharpness: number;
        if (qualityCrop) {
          cropGray(frame, geom, QUALITY_CROP, this.classifier.norm.grayWeights, qualityCrop, 0);
          sharpness = laplacianVariance(qualityCrop, 0, QUALITY_CROP);
          resizeArea(qualityCrop, QUALITY_CROP, S, crops, k * S * S);
        } else {
          cropGray(frame, geom, S, this.classifier.norm.grayWeights, crops, k * S * S);
          sharpness = laplacianVariance(crops, k * S * S, S);
        }
        const quality = judgeQuality(
          { detScore: d.score, sizePx: Math.max(d.box.w, d.box.h), rollDeg: (geom.angle * 180) / Math.PI, sharpness },
          this.quality,
        );
        pending.push({ trackId: ids[i][j].trackId, participant: ids[i][j].participant, box: { ...d.box }, quality });
        k++;
      });
      perFrame.push(dets.length);
    });
    const probs = total ? await this.classifier.classify(crops, total) : [];
    if (geoPending) {
      geo = await geoPending;
      geo.forEach((g, n) => {
        const view = geometryView(g, points);
        if (view) pending[n].geometry = view;
      });
    }
    const out: FrameFaces[] = [];
    let o = 0;
    frames.forEach((frame, i) => {
      const faces: FaceObservation[] = [];
      for (let j = 0; j < perFrame[i]; j++, o++) faces.push({ ...pending[o], probs: probs[o], dominant: dominant(probs[o]) });
      out.push({ tMs: frame.tMs, width: frame.width, height: frame.height, faces });
    });
    return out;
  }

  /**
   * Decodes a media file's video (ffmpeg, media timestamps) and analyses it batch by batch, pipelined: a
   * batch's detector call is issued as soon as its frames are decoded, and batches are finished (tracked,
   * cropped, classified, stored) in order on a chain that the decoding does not wait for until
   * `PIPELINE_DEPTH` batches are unfinished. So this thread decodes and prepares the next frames while the
   * inference worker runs the models; awaiting each batch before decoding the next left one of the two idle
   * about half the time.
   */
  async analyzeMediaFile(file: string, opts: MediaAnalysisOptions = {}): Promise<MediaAnalysisSummary> {
    const batchFrames = opts.batchFrames ?? 8;
    const probe = await probeMedia(file);
    if (!probe.streams.some((s) => s.type === 'video')) throw new Error(`${file} has no video stream`);
    const tracker = new FaceTracker(this.trackerOpts);
    const summary: MediaAnalysisSummary = { frames: 0, framesWithFace: 0, observations: 0, reliableObservations: 0, durationMs: probe.durationMs, lastFrameMs: null };

    const complete = async (b: { decoded: DecodedFrame[]; frames: PixelFrame[]; dets: Promise<DetectedFace[][]> }) => {
      const results = await this.finish(b.frames, await b.dets, tracker);
      // The pixels are read by now (the results hold none): their buffers go back to the decoder.
      for (const f of b.decoded) f.release();
      for (const r of results) {
        summary.frames++;
        if (r.faces.length) summary.framesWithFace++;
        summary.observations += r.faces.length;
        summary.reliableObservations += r.faces.filter((f) => f.quality.reliable).length;
        summary.lastFrameMs = r.tMs;
      }
      await opts.onResults?.(results);
      opts.onProgress?.({ doneMs: summary.lastFrameMs ?? 0, totalMs: probe.durationMs, frames: summary.frames });
    };
    // Each batch is finished after the one before it (the tracker and the stored rows need time order), so the
    // batches also settle in order and the oldest of the last few submitted is the one to wait for. A failure
    // ends the chain, and the decoding stops at its next batch.
    let chain: Promise<void> = Promise.resolve();
    const submitted: Promise<void>[] = [];
    let failed = false;
    const submit = async (decoded: DecodedFrame[]) => {
      const frames: PixelFrame[] = decoded.map((f) => ({ tMs: f.tMs, width: f.width, height: f.height, data: f.rgb, channels: 3 }));
      const b = { decoded, frames, dets: this.detector.detectPrepared(frames, this.detector.toInput(frames)) };
      // Keep the promise from counting as unhandled while earlier batches finish.
      b.dets.catch(() => undefined);
      chain = chain.then(() => complete(b));
      submitted.push(
        chain.catch(() => {
          failed = true;
        }),
      );
      if (submitted.length > PIPELINE_DEPTH) await submitted.shift();
    };

    let batch: DecodedFrame[] = [];
    try {
      for await (const f of decodeVideoFrames(file, { rateHz: opts.rateHz, signal: opts.signal })) {
        if (failed) break;
        batch.push(f);
        if (batch.length >= batchFrames) {
          await submit(batch);
          batch = [];
        }
      }
      if (batch.length && !failed) await submit(batch);
    } catch (e) {
      // Nothing may be stored after the stage has failed: let the batches already submitted settle first.
      await chain.catch(() => undefined);
      throw e;
    }
    await chain;
    return summary;
  }
}

/** Batches decoded ahead of the ones being finished (each holds batchFrames decoded frames in memory). */
const PIPELINE_DEPTH = 2;
