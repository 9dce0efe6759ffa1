/**
 * The Capture preview at camera rate: on every new camera frame (requestVideoFrameCallback) the preview
 * detector finds the faces, the main process's latest emotion labels are attached to them (label-attach.ts),
 * and the framing checks are judged. While recording, the time each check failed is added up and reported to
 * the main process every few seconds and once at the end.
 *
 * This is display only: what is stored as analysis always comes from the main process's pipeline.
 */
import type { FaceObservation, FrameFaces } from '../../../src-shared/contract/face.js';
import { api } from '../api/client.js';
import { LatencyWindow, rateHz } from '../capture/latency-window.js';
import { errorMessage } from '../ui/errors.js';
import {
  adviceFor,
  analysisScale,
  CHECK_IDS,
  type Advice,
  type CheckId,
  type CheckResult,
  faceGeometry,
  facePixels,
  FramingSmoother,
  FramingTally,
  judgeFraming,
  participantBox,
} from './framing.js';
import { LabelAttacher, PreviewTracks } from './label-attach.js';
import type { PreviewDetector, PreviewFace } from './preview-detector.js';
import { previewDetector } from './preview-detector-state.svelte.js';
import { TEXT } from './vision-text.js';

/** Pixel measures (brightness, contrast, sharpness) need fewer frames than the boxes. */
const PIXEL_CHECK_HZ = 10;
const PIXEL_CHECKS: readonly CheckId[] = ['brightness', 'contrast', 'sharpness'];
const REPORT_EVERY_MS = 5000;

export interface PreviewBox extends PreviewFace {
  id: number;
  /** The main process's observation attached to this box, if any. */
  label: FaceObservation | null;
}

export interface PreviewStats {
  frames: number;
  framesWithFace: number;
  hz: number;
  detectMedianMs: number | null;
  detectP95Ms: number | null;
}

type VideoWithFrameCallback = HTMLVideoElement & {
  requestVideoFrameCallback(cb: (now: number, meta: { mediaTime: number; presentedFrames?: number }) => void): number;
  cancelVideoFrameCallback(handle: number): void;
};

export interface LabelSource {
  /** The latest main-process result, or null. */
  readonly face: FrameFaces | null;
  /** performance.now() at which the frame of a result with this tMs was grabbed. */
  perfOfMediaMs(tMs: number): number;
}

export class CameraPreview {
  /** 'off': switched off in Settings; 'failed': see error. Either way Capture shows the main process's boxes. */
  status = $state<'loading' | 'running' | 'off' | 'failed'>('loading');
  error = $state<string | null>(null);
  boxes = $state.raw<PreviewBox[]>([]);
  frameSize = $state.raw<{ width: number; height: number } | null>(null);
  checks = $state.raw<CheckResult[]>(CHECK_IDS.map((id) => ({ id, state: 'unknown', advice: 'good' })));
  advice = $state.raw<Advice[]>([]);
  stats = $state.raw<PreviewStats>({ frames: 0, framesWithFace: 0, hz: 0, detectMedianMs: null, detectP95Ms: null });
  reportError = $state<string | null>(null);

  private detector: PreviewDetector | null = null;
  private handle: number | null = null;
  private stopped = false;
  private readonly tracks = new PreviewTracks();
  private readonly attacher = new LabelAttacher();
  private readonly shapeSmoother = new FramingSmoother(10);
  private readonly pixelSmoother = new FramingSmoother(5);
  private pixelChecks: CheckResult[] = [];
  private readonly tally = new FramingTally();
  private readonly detectMs = new LatencyWindow();
  private readonly frameTimes: number[] = [];
  private lastLabelResult: FrameFaces | null = null;
  private lastPixelsAt = -Infinity;
  private pixelCanvas: OffscreenCanvas | null = null;
  private recording = false;
  private lastReportAt = 0;
  private reporting: Promise<void> = Promise.resolve();

  constructor(private readonly opts: { sessionId: number; video: HTMLVideoElement; labels: () => LabelSource | null }) {}

  async start(): Promise<void> {
    const d = await previewDetector.get();
    if (this.stopped) return;
    if (!d) {
      this.status = previewDetector.status === 'off' ? 'off' : 'failed';
      this.error = previewDetector.error;
      return;
    }
    this.detector = d;
    this.status = 'running';
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    const v = this.opts.video as VideoWithFrameCallback;
    this.handle = v.requestVideoFrameCallback((now) => {
      this.handle = null;
      try {
        this.onFrame(now);
      } catch (e) {
        this.error = errorMessage(e);
      }
      this.schedule();
    });
  }

  private onFrame(now: number): void {
    const v = this.opts.video;
    const d = this.detector;
    if (!d || !v.videoWidth || !v.videoHeight) return;
    const t0 = performance.now();
    const faces = d.detect(v, now);
    this.detectMs.add(performance.now() - t0);
    const atMs = performance.now();
    const ids = this.tracks.update(atMs, faces.map((f) => f.box));
    this.attacher.addPreviewFrame({ atMs, width: v.videoWidth, height: v.videoHeight, faces: faces.map((f, i) => ({ id: ids[i], box: f.box })) });

    const src = this.opts.labels();
    if (src?.face && src.face !== this.lastLabelResult) {
      this.lastLabelResult = src.face;
      this.attacher.addMainResult(src.face, src.perfOfMediaMs(src.face.tMs));
    }
    this.boxes = faces.map((f, i) => ({ ...f, id: ids[i], label: this.attacher.labelFor(ids[i], atMs)?.observation ?? null }));
    this.frameSize = { width: v.videoWidth, height: v.videoHeight };
    this.judge(faces, atMs);

    this.frameTimes.push(atMs);
    if (this.frameTimes.length > 90) this.frameTimes.shift();
    const summary = this.detectMs.summary();
    this.stats = {
      frames: this.stats.frames + 1,
      framesWithFace: this.stats.framesWithFace + (faces.length ? 1 : 0),
      hz: rateHz(this.frameTimes, atMs),
      detectMedianMs: summary.medianMs,
      detectP95Ms: summary.p95Ms,
    };
    if (this.recording && atMs - this.lastReportAt >= REPORT_EVERY_MS) this.report();
  }

  private judge(faces: PreviewFace[], atMs: number): void {
    const v = this.opts.video;
    const face = participantBox(faces);
    const geom = face ? faceGeometry(face.box, v.videoWidth, v.videoHeight) : null;
    const isPixel = (r: CheckResult) => PIXEL_CHECKS.includes(r.id);
    // Geometry every frame; pixel measures (a read-back of the frame) at PIXEL_CHECK_HZ, each smoothed on its own.
    const shape = this.shapeSmoother.update(judgeFraming(geom, null).filter((r) => !isPixel(r)));
    if (!face) this.pixelChecks = this.pixelSmoother.update(judgeFraming(null, null).filter(isPixel));
    else if (atMs - this.lastPixelsAt >= 1000 / PIXEL_CHECK_HZ) {
      this.lastPixelsAt = atMs;
      this.pixelChecks = this.pixelSmoother.update(judgeFraming(geom, this.facePixels(face)).filter(isPixel));
    }
    this.checks = [...shape, ...this.pixelChecks];
    this.advice = adviceFor(this.checks);
    if (this.recording) this.tally.add(atMs, this.checks);
  }

  /** The face's pixel measures on the frame at analysis size (the calibration's scale). */
  private facePixels(face: PreviewFace): ReturnType<typeof facePixels> {
    const v = this.opts.video;
    const s = analysisScale(v.videoWidth, v.videoHeight);
    const w = Math.round(v.videoWidth * s);
    const h = Math.round(v.videoHeight * s);
    if (!this.pixelCanvas || this.pixelCanvas.width !== w || this.pixelCanvas.height !== h) this.pixelCanvas = new OffscreenCanvas(w, h);
    const ctx = this.pixelCanvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return null;
    // Only the face's region is read back.
    const bx = Math.max(0, Math.floor(face.box.x * s));
    const by = Math.max(0, Math.floor(face.box.y * s));
    const bw = Math.min(w - bx, Math.ceil(face.box.w * s) + 1);
    const bh = Math.min(h - by, Math.ceil(face.box.h * s) + 1);
    if (bw < 2 || bh < 2) return null;
    ctx.drawImage(v, 0, 0, w, h);
    const img = ctx.getImageData(bx, by, bw, bh);
    return facePixels(img.data, bw, bh, 4, { x: face.box.x * s - bx, y: face.box.y * s - by, w: face.box.w * s, h: face.box.h * s });
  }

  /** Recording began: framing time is counted from now (the recording's start). */
  beginRecording(): void {
    this.tally.reset();
    this.recording = true;
    this.lastReportAt = performance.now();
  }

  /** Recording ended: the last totals go to the main process; resolves when stored (or failed, see reportError). */
  async endRecording(): Promise<void> {
    if (!this.recording) return;
    this.tally.close(performance.now());
    this.recording = false;
    this.report();
    await this.reporting;
  }

  private report(): void {
    this.lastReportAt = performance.now();
    const totals = structuredClone(this.tally.totals);
    if (totals.totalMs <= 0) return;
    // One report at a time, in order: each is cumulative, so the last one stored is the latest.
    this.reporting = this.reporting.then(async () => {
      try {
        await api.call('framing.report', { sessionId: this.opts.sessionId, totals });
        this.reportError = null;
      } catch (e) {
        this.reportError = TEXT.reportFailed(errorMessage(e));
      }
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.handle !== null) (this.opts.video as VideoWithFrameCallback).cancelVideoFrameCallback(this.handle);
    this.handle = null;
  }
}
