/**
 * The face half of the analysis: frames in, per-face tracked boxes, quality and seven canonical emotion
 * probabilities out. One pipeline for live frames (analyzeFrames) and media files (analyzeMediaFile); all
 * faces of a call (several frames offline) go to the classifier in one model call.
 */
import { EMOTIONS, type Emotion } from '../../../../src-shared/emotions.js';
import type { FaceObservation, FrameFaces, LiveFrame } from '../../../../src-shared/contract/face.js';
import { probeMedia } from '../../media/ffmpeg.js';
import { decodeVideoFrames } from '../../media/video-frames.js';
import type { InferenceService } from '../../inference/inference-service.js';
import { defaultModelFor, getModel, type ModelEntry } from '../../inference/manifest.js';
import { type CropParams, cropGeometry, cropGray, laplacianVariance } from './align-crop.js';
import { EmotionClassifier } from '../../inference/face/emotion-classifier.js';
import { type DetectedFace, FaceDetector } from '../../inference/face/face-detector.js';
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
}

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

function dominant(probs: number[]): Emotion {
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
  return EMOTIONS[best];
}

/** The face stage: detect → track → crop → judge quality → classify, for live frames and media files. */
export class FaceAnalyzer implements Stage<'video', FrameFaces> {
  readonly modality = 'face';
  readonly source = 'video' as const;
  readonly notes: readonly string[] = [];
  private readonly liveTracker: FaceTracker;

  private constructor(
    readonly detector: FaceDetector,
    readonly classifier: EmotionClassifier,
    readonly crop: CropParams,
    private readonly quality: QualityThresholds,
    private readonly trackerOpts: TrackerOptions,
    readonly modelRefs: { detector: ModelRef; emotion: ModelRef },
  ) {
    this.liveTracker = new FaceTracker(trackerOpts);
  }

  get modelIds(): readonly string[] {
    return [this.modelRefs.detector.id, this.modelRefs.emotion.id];
  }

  /** One session's live frames, with tracks of their own. */
  open(): LiveStream<readonly LiveFrame[], FrameFaces> {
    const tracker = this.newTracker();
    return { push: (frames) => this.analyzeFrames(frames, tracker), finish: async () => [] };
  }

  async process(file: string, run: ProcessRun<FrameFaces>): Promise<void> {
    await this.analyzeMediaFile(file, run);
  }

  static async create(svc: InferenceService, opts: FaceAnalyzerOptions = {}): Promise<FaceAnalyzer> {
    const m = svc.manifest;
    const det: ModelEntry = opts.detectorId ? getModel(m, opts.detectorId) : defaultModelFor(m, 'face-detector');
    const emo: ModelEntry = opts.emotionId ? getModel(m, opts.emotionId) : defaultModelFor(m, 'face-emotion');
    const [detInfo, emoInfo] = [await svc.load(det.id), await svc.load(emo.id)];
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
      { detector: ref(det, detInfo), emotion: ref(emo, emoInfo) },
    );
  }

  /**
   * Live frames of one session, in time order; tracks carry over between calls until resetTracks(). Pass a
   * tracker of your own (new FaceTracker()) to keep several live streams apart.
   */
  async analyzeFrames(frames: readonly FrameInput[], tracker: FaceTracker = this.liveTracker): Promise<FrameFaces[]> {
    const pixels = frames.map(toPixelFrame);
    const detections = await this.detector.detect(pixels);
    return this.finish(pixels, detections, tracker);
  }

  /** A tracker with this analyzer's settings, for a stream of frames of its own. */
  newTracker(): FaceTracker {
    return new FaceTracker(this.trackerOpts);
  }

  resetTracks(): void {
    this.liveTracker.reset();
  }

  /**
   * Tracks, crops, judges and classifies the detections of several frames (all faces in one model call).
   * Frames must be in time order.
   */
  async finish(frames: PixelFrame[], detections: DetectedFace[][], tracker: FaceTracker): Promise<FrameFaces[]> {
    const S = this.classifier.size;
    // Sharpness is judged on a 64×64 crop whatever the classifier's input size (its threshold was calibrated
    // there); a classifier of another size gets that crop resized rather than a second crop from the frame,
    // which measured about as costly as the rest of a face's analysis.
    const qualityCrop = S === QUALITY_CROP ? null : new Float32Array(QUALITY_CROP * QUALITY_CROP);
    const total = detections.reduce((a, d) => a + d.length, 0);
    const crops = new Float32Array(total * S * S);
    const pending: Array<Omit<FaceObservation, 'probs' | 'dominant'>> = [];
    const perFrame: number[] = [];
    let k = 0;
    frames.forEach((frame, i) => {
      const dets = detections[i];
      const ids = tracker.update(
        frame.tMs,
        dets.map((d) => d.box),
        frame.width,
        frame.height,
      );
      dets.forEach((d, j) => {
        const geom = cropGeometry(d.box, d.landmarks, this.crop);
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
        pending.push({ trackId: ids[j].trackId, participant: ids[j].participant, box: { ...d.box }, quality });
        k++;
      });
      perFrame.push(dets.length);
    });
    const probs = total ? await this.classifier.classify(crops, total) : [];
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
   * Decodes a media file's video (ffmpeg, media timestamps) and analyses it batch by batch. The detector call
   * for the next batch is issued before the current batch is classified, so decoding, preparation and model
   * runs overlap.
   */
  async analyzeMediaFile(file: string, opts: MediaAnalysisOptions = {}): Promise<MediaAnalysisSummary> {
    const batchFrames = opts.batchFrames ?? 8;
    const probe = await probeMedia(file);
    if (!probe.streams.some((s) => s.type === 'video')) throw new Error(`${file} has no video stream`);
    const tracker = new FaceTracker(this.trackerOpts);
    const summary: MediaAnalysisSummary = { frames: 0, framesWithFace: 0, observations: 0, reliableObservations: 0, durationMs: probe.durationMs, lastFrameMs: null };

    let inFlight: { frames: PixelFrame[]; dets: Promise<DetectedFace[][]> } | null = null;
    const complete = async (b: { frames: PixelFrame[]; dets: Promise<DetectedFace[][]> }) => {
      const results = await this.finish(b.frames, await b.dets, tracker);
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
    const submit = async (frames: PixelFrame[]) => {
      const input = this.detector.toInput(frames);
      const next = { frames, dets: this.detector.detectPrepared(frames, input) };
      // Keep the promise from counting as unhandled while the previous batch completes.
      next.dets.catch(() => undefined);
      const prev = inFlight;
      inFlight = next;
      if (prev) await complete(prev);
    };

    let batch: PixelFrame[] = [];
    for await (const f of decodeVideoFrames(file, { rateHz: opts.rateHz, signal: opts.signal })) {
      batch.push({ tMs: f.tMs, width: f.width, height: f.height, data: f.rgb, channels: 3 });
      if (batch.length >= batchFrames) {
        await submit(batch);
        batch = [];
      }
    }
    if (batch.length) await submit(batch);
    const last = inFlight as { frames: PixelFrame[]; dets: Promise<DetectedFace[][]> } | null;
    if (last) await complete(last);
    return summary;
  }
}
