/**
 * Grabs downscaled RGBA frames from a playing <video> at the analysis rate (not every camera frame), as
 * buffers that can be transferred to the main process without copying. A frame is skipped, never queued,
 * while the previous one is still being analysed, so results stay fresh instead of falling behind.
 */
import { MAX_LIVE_SHORT_SIDE } from '../../../src-shared/contract/face.js';
import { grabFrame } from './frame-grab.js';
import { framePixelsToRgba, scaledSize } from './frame-rgba.js';
import { shortSideScale } from './framing.js';

export interface SampledFrame {
  /** From the sampler's clock: by default ms since start(); pass the recording clock to align with the file. */
  tMs: number;
  width: number;
  height: number;
  /** Packed RGBA, width × height × 4 bytes; its buffer is transferable. */
  rgba: Uint8Array;
}

export interface FrameSamplerOptions {
  /** Frames per second to analyse; default 10. */
  rateHz?: number;
  maxShortSide?: number;
  /** Time stamp source for frames (ms). */
  clock?: () => number;
  /** Receives each frame; while its promise is pending, further frames are skipped. */
  onFrame: (frame: SampledFrame) => void | Promise<void>;
  onError?: (e: unknown) => void;
}

/** Size to draw a w×h video at so that its short side is at most maxShort (never upscaled). */
export function downscaledSize(w: number, h: number, maxShort = MAX_LIVE_SHORT_SIDE): { width: number; height: number } {
  return scaledSize(w, h, shortSideScale(w, h, maxShort));
}

/**
 * Decides which ticks become samples: at most `rateHz` per second on average, tolerating the jitter of the
 * display's frame callbacks (a tick slightly early for its slot still counts).
 */
export class RateGate {
  private next = -Infinity;
  constructor(private readonly rateHz: number) {
    // not-ui: a programming error
    if (!(rateHz > 0)) throw new Error('Analysis rate must be positive');
  }
  take(nowMs: number): boolean {
    const period = 1000 / this.rateHz;
    if (nowMs < this.next - period * 0.25) return false;
    // Keep to the schedule, but after a stall start a new one instead of catching up with a burst.
    this.next = nowMs - this.next > period ? nowMs + period : this.next + period;
    return true;
  }
}

type VideoWithFrameCallback = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

export class FrameSampler {
  private readonly gate: RateGate;
  private readonly maxShort: number;
  private readonly clock: () => number;
  private canvas: HTMLCanvasElement | null = null;
  private ctx: CanvasRenderingContext2D | null = null;
  private busy = false;
  private running = false;
  private handle: number | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private t0 = 0;
  /** Frames delivered and frames skipped because the previous one was still in analysis. */
  readonly stats = { sampled: 0, skippedBusy: 0 };

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly opts: FrameSamplerOptions,
  ) {
    this.gate = new RateGate(opts.rateHz ?? 10);
    this.maxShort = opts.maxShortSide ?? MAX_LIVE_SHORT_SIDE;
    this.clock = opts.clock ?? (() => performance.now() - this.t0);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.t0 = performance.now();
    const v = this.video as VideoWithFrameCallback;
    if (v.requestVideoFrameCallback) {
      // Called once per decoded camera frame: samples are real frames, not repeats of the last one.
      const loop = () => {
        if (!this.running) return;
        this.tick();
        this.handle = v.requestVideoFrameCallback!(loop);
      };
      this.handle = v.requestVideoFrameCallback(loop);
    } else {
      this.timer = setInterval(() => this.tick(), Math.max(5, 250 / (this.opts.rateHz ?? 10)));
    }
  }

  stop(): void {
    this.running = false;
    const v = this.video as VideoWithFrameCallback;
    if (this.handle !== null) v.cancelVideoFrameCallback?.(this.handle);
    if (this.timer) clearInterval(this.timer);
    this.handle = null;
    this.timer = null;
  }

  private tick(): void {
    const v = this.video;
    if (v.readyState < 2 || !v.videoWidth || !v.videoHeight) return;
    const now = this.clock();
    if (!this.gate.take(now)) return;
    if (this.busy) {
      this.stats.skippedBusy++;
      return;
    }
    this.busy = true;
    this.stats.sampled++;
    // The frame is taken now (grabFrame's first step is synchronous), converted off the camera's buffer after.
    this.grab(now)
      .then((frame) => this.opts.onFrame(frame))
      .catch((e: unknown) => this.opts.onError?.(e))
      .finally(() => {
        this.busy = false;
      });
  }

  /**
   * The frame on screen at analysis size: copied out of the camera's buffer and converted here (frame-rgba.ts),
   * or, for a pixel format that cannot be copied or converted, drawn into a canvas and read back.
   */
  private async grab(tMs: number): Promise<SampledFrame> {
    const { width, height } = downscaledSize(this.video.videoWidth, this.video.videoHeight, this.maxShort);
    const src = await grabFrame(this.video);
    if (!(src instanceof ImageBitmap)) {
      const img = framePixelsToRgba(src, shortSideScale(src.width, src.height, this.maxShort));
      if (img && img.width === width && img.height === height) return { tMs, width, height, rgba: new Uint8Array(img.data.buffer) };
    }
    const source = src instanceof ImageBitmap ? src : this.video;
    try {
      if (!this.canvas) {
        this.canvas = document.createElement('canvas');
        this.ctx = this.canvas.getContext('2d', { willReadFrequently: true, alpha: false });
      }
      const ctx = this.ctx;
      // not-ui: a browser without 2D canvases cannot run this app
      if (!ctx) throw new Error('No 2D canvas');
      if (this.canvas.width !== width || this.canvas.height !== height) {
        this.canvas.width = width;
        this.canvas.height = height;
      }
      ctx.drawImage(source, 0, 0, width, height);
      const img = ctx.getImageData(0, 0, width, height);
      // A fresh buffer per frame (getImageData allocates one), so transferring it never detaches the next.
      return { tMs, width, height, rgba: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength) };
    } finally {
      if (src instanceof ImageBitmap) src.close();
    }
  }
}
