/**
 * Counts the camera's frames as the page receives them, from requestVideoFrameCallback on the preview (its
 * presented-frame count and each frame's capture time), while recording. The figures (recording-stats.ts)
 * update twice a second for Capture and go with the session at Stop.
 */
import { FrameCounter, type RecordingStats } from '../../../src-shared/recording-stats.js';

export class FrameMonitor {
  stats = $state.raw<RecordingStats | null>(null);
  private counter: FrameCounter;
  private handle = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;

  constructor(
    private readonly video: HTMLVideoElement,
    nominalFps: number,
  ) {
    this.counter = new FrameCounter(nominalFps);
  }

  /** The rate the camera's track says it delivers, else 30 (what the app asks for). */
  static nominalFps(stream: MediaStream | null): number {
    const r = stream?.getVideoTracks()[0]?.getSettings().frameRate;
    return typeof r === 'number' && r > 0 ? r : 30;
  }

  start(): void {
    if (!('requestVideoFrameCallback' in this.video)) return;
    const onFrame = (now: number, meta: VideoFrameCallbackMetadata) => {
      if (this.stopped) return;
      this.counter.frame(meta.captureTime ?? meta.expectedDisplayTime ?? now, meta.presentedFrames);
      this.handle = this.video.requestVideoFrameCallback(onFrame);
    };
    this.handle = this.video.requestVideoFrameCallback(onFrame);
    this.timer = setInterval(() => (this.stats = this.counter.stats(performance.now())), 500);
  }

  /** Stops counting; the figures up to now. */
  stop(): RecordingStats | null {
    if (this.stopped) return this.stats;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if ('cancelVideoFrameCallback' in this.video) this.video.cancelVideoFrameCallback(this.handle);
    this.stats = this.counter.stats(performance.now());
    return this.stats.framesReceived > 0 ? this.stats : null;
  }
}
