/**
 * The Capture preview at camera rate: on every new camera frame (requestVideoFrameCallback) the frame is
 * copied out of the camera's buffer and the preview detector, in its worker (preview-worker.ts), finds the
 * faces, the main process's latest emotion labels are attached to them (label-attach.ts), and the framing
 * checks are judged. While recording, the time each check failed is added up and reported to
 * the main process every few seconds and once at the end.
 *
 * This is display only: what is stored as analysis always comes from the main process's pipeline.
 *
 * The main thread does only the grab, the bookkeeping and the drawing: Chromium passes every recorded camera
 * frame through this thread, so it must never be busy for long (see preview-worker-protocol.ts). Frames are
 * never queued: one that arrives while the worker already has enough is skipped.
 *
 * While recording, and from the moment one is being set up (its encoder's start is when CPU is shortest), the
 * preview gives way to the recording: one frame at a time, at most RECORDING_MAX_HZ, and
 * the worker busy at most RECORDING_MAX_BUSY of the time, so that on a slow machine the detector's CPU goes to
 * the recording's encoder first. Before recording, up to three frames may be with the worker (one detecting,
 * the next ones being grabbed and sent), so the detector does not wait for this thread and a short stall of
 * either does not cost frames; the boxes then lag the picture by at most two frames.
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
  type FacePixels,
  FramingSmoother,
  FramingTally,
  judgeFraming,
  participantBox,
} from './framing.js';
import { LabelAttacher, PreviewTracks } from './label-attach.js';
import { grabFrame } from './frame-grab.js';
import type { PreviewDetectorClient } from './preview-detector-client.js';
import { scaleFace, type PreviewFace } from './preview-face.js';
import { previewDetector } from './preview-detector-state.svelte.js';
import { t } from '../i18n/i18n.js';

/** Pixel measures (brightness, contrast, sharpness) need fewer frames than the boxes. */
const PIXEL_CHECK_HZ = 10;
const PIXEL_CHECKS: readonly CheckId[] = ['brightness', 'contrast', 'sharpness'];
const REPORT_EVERY_MS = 5000;
const MAX_IN_FLIGHT = 3;
const RECORDING_MAX_HZ = 10;
const RECORDING_MAX_BUSY = 0.25;

export interface PreviewBox extends PreviewFace {
  id: number;
  /** The main process's observation attached to this box, if any. */
  label: FaceObservation | null;
}

export interface PreviewStats {
  /** Camera frames presented while the detector ran (requestVideoFrameCallback). */
  delivered: number;
  /** Frames the detector finished. */
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
  stats = $state.raw<PreviewStats>({ delivered: 0, frames: 0, framesWithFace: 0, hz: 0, detectMedianMs: null, detectP95Ms: null });
  reportError = $state<string | null>(null);

  private detector: PreviewDetectorClient | null = null;
  /** Frames grabbed and not yet answered by the worker. */
  private inFlight = 0;
  /** While recording: no frame is sent before this performance.now(). */
  private nextSendAt = 0;
  private delivered = 0;
  private lastResultAt = -Infinity;
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
  private recording = false;
  /** From the moment a recording is being set up until it ends: one frame at a time, at a bounded rate. */
  private givingWay = false;
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
    this.handle = v.requestVideoFrameCallback(() => {
      this.handle = null;
      try {
        this.onFrame();
      } catch (e) {
        this.error = errorMessage(e);
      }
      this.schedule();
    });
  }

  private onFrame(): void {
    const v = this.opts.video;
    const d = this.detector;
    if (!d || !v.videoWidth || !v.videoHeight) return;
    this.delivered++;
    const atMs = performance.now();
    if (this.inFlight >= (this.givingWay ? 1 : MAX_IN_FLIGHT) || (this.givingWay && atMs < this.nextSendAt)) return;
    this.inFlight++;
    const width = v.videoWidth;
    const height = v.videoHeight;
    const wantPixels = atMs - this.lastPixelsAt >= 1000 / PIXEL_CHECK_HZ;
    if (wantPixels) this.lastPixelsAt = atMs;
    let frameW = width;
    grabFrame(v)
      .then((frame) => {
        frameW = frame.width;
        return d.detect(frame, analysisScale(frame.width, frame.height), atMs, wantPixels);
      })
      .then((r) => {
        // Frames in flight may (rarely) come back out of order: an older one is no news.
        if (this.stopped || atMs <= this.lastResultAt) return;
        this.lastResultAt = atMs;
        this.detectMs.add(r.detectMs);
        // The typical (median) detection, not the last one: one detection slowed by a busy machine should not
        // stall the guidance for seconds.
        if (this.givingWay) this.nextSendAt = atMs + Math.max(1000 / RECORDING_MAX_HZ, (this.detectMs.summary().medianMs ?? r.detectMs) / RECORDING_MAX_BUSY);
        const faces = r.faces.map((f) => scaleFace(f, width / frameW));
        this.onResult(faces, wantPixels ? r.pixels : undefined, atMs, width, height);
      })
      .catch((e: unknown) => {
        this.error = errorMessage(e);
      })
      .finally(() => {
        this.inFlight--;
      });
  }

  /** `pixels` undefined: not measured on this frame. */
  private onResult(faces: PreviewFace[], pixels: FacePixels | null | undefined, atMs: number, width: number, height: number): void {
    const ids = this.tracks.update(atMs, faces.map((f) => f.box));
    this.attacher.addPreviewFrame({ atMs, width, height, faces: faces.map((f, i) => ({ id: ids[i], box: f.box })) });

    const src = this.opts.labels();
    if (src?.face && src.face !== this.lastLabelResult) {
      this.lastLabelResult = src.face;
      this.attacher.addMainResult(src.face, src.perfOfMediaMs(src.face.tMs));
    }
    this.boxes = faces.map((f, i) => ({ ...f, id: ids[i], label: this.attacher.labelFor(ids[i], atMs)?.observation ?? null }));
    this.frameSize = { width, height };
    this.judge(faces, pixels, atMs, width, height);

    const doneAt = performance.now();
    this.frameTimes.push(doneAt);
    if (this.frameTimes.length > 90) this.frameTimes.shift();
    const summary = this.detectMs.summary();
    this.stats = {
      delivered: this.delivered,
      frames: this.stats.frames + 1,
      framesWithFace: this.stats.framesWithFace + (faces.length ? 1 : 0),
      hz: rateHz(this.frameTimes, doneAt),
      detectMedianMs: summary.medianMs,
      detectP95Ms: summary.p95Ms,
    };
    if (this.recording && doneAt - this.lastReportAt >= REPORT_EVERY_MS) this.report();
  }

  private judge(faces: PreviewFace[], pixels: FacePixels | null | undefined, atMs: number, width: number, height: number): void {
    const face = participantBox(faces);
    const geom = face ? faceGeometry(face.box, width, height) : null;
    const isPixel = (r: CheckResult) => PIXEL_CHECKS.includes(r.id);
    // Geometry every frame; pixel measures (a read-back of the frame, in the worker) at PIXEL_CHECK_HZ, each
    // smoothed on its own.
    const shape = this.shapeSmoother.update(judgeFraming(geom, null).filter((r) => !isPixel(r)));
    if (!face) this.pixelChecks = this.pixelSmoother.update(judgeFraming(null, null).filter(isPixel));
    else if (pixels !== undefined) {
      this.pixelChecks = this.pixelSmoother.update(judgeFraming(geom, pixels).filter(isPixel));
    }
    this.checks = [...shape, ...this.pixelChecks];
    this.advice = adviceFor(this.checks);
    if (this.recording) this.tally.add(atMs, this.checks);
  }

  /**
   * A recording is being set up (`true`; its encoder starting is when CPU is shortest), or setting it up failed
   * (`false`): the preview gives way as while recording.
   */
  giveWay(on: boolean): void {
    this.givingWay = on || this.recording;
  }

  /** Recording began: framing time is counted from now (the recording's start). */
  beginRecording(): void {
    this.tally.reset();
    this.recording = true;
    this.givingWay = true;
    this.lastReportAt = performance.now();
  }

  /** Recording ended: the last totals go to the main process; resolves when stored (or failed, see reportError). */
  async endRecording(): Promise<void> {
    if (!this.recording) return;
    this.tally.close(performance.now());
    this.recording = false;
    this.givingWay = false;
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
        this.reportError = t('framing.reportFailed', { error: errorMessage(e) });
      }
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.handle !== null) (this.opts.video as VideoWithFrameCallback).cancelVideoFrameCallback(this.handle);
    this.handle = null;
  }
}
