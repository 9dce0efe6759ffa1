/**
 * Playback state of the Review video: the time of the frame actually shown (from requestVideoFrameCallback
 * while there is video, so marks and the overlay use the frame on screen, not a timer), play/pause, frame
 * steps at the media's frame rate, speed 0.25×–4×.
 */
import { nextSpeed, SPEEDS } from './keymap.js';
import { t } from '../i18n/i18n.js';

type FrameListener = (mediaMs: number) => void;

/**
 * After a seek ends with the last reported frame more than a frame from the time asked for: how long to wait for a
 * newer frame before taking that one as on screen (it came while the element still counted as seeking, and no
 * other comes while paused), and, when no frame at all came since the seek, before giving up on one.
 */
const SETTLE_WAIT_MS = 150;
const NO_FRAME_WAIT_MS = 1000;

export class Player {
  currentMs = $state(0);
  durationMs = $state(0);
  playing = $state(false);
  rate = $state(1);
  fps = $state(30);
  /** The browser could not play the file; in words. */
  error = $state<string | null>(null);
  ready = $state(false);
  /** False from a seek until the frame there is on screen (tests and marks can wait for it). */
  settled = $state(true);

  private video: HTMLVideoElement | null = null;
  private readonly frameListeners = new Set<FrameListener>();
  private rafId = 0;
  private rvfcId = 0;
  private sawFrame = false;
  private knownDurationMs = 0;
  private lastFrameMs = 0;
  private framesSinceSeek = 0;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;

  get frameMs(): number {
    return 1000 / this.fps;
  }

  /** Media facts from the core (the container may not state a duration, e.g. MediaRecorder WebM). */
  configure(opts: { fps: number; durationMs: number | null }): void {
    this.fps = opts.fps;
    this.knownDurationMs = opts.durationMs ?? 0;
    if (!this.durationMs && this.knownDurationMs) this.durationMs = this.knownDurationMs;
  }

  onFrame(l: FrameListener): () => void {
    this.frameListeners.add(l);
    return () => this.frameListeners.delete(l);
  }

  attach(video: HTMLVideoElement): () => void {
    this.video = video;
    video.playbackRate = this.rate;
    const onMeta = () => {
      const d = Number.isFinite(video.duration) ? video.duration * 1000 : 0;
      this.durationMs = Math.max(d, this.knownDurationMs);
      this.ready = true;
    };
    const onPlay = () => {
      this.playing = true;
      this.tick();
    };
    const onPause = () => {
      this.playing = false;
      this.currentMs = this.sawFrame ? this.currentMs : video.currentTime * 1000;
    };
    const onSeeked = () => {
      // With video, the frame callback reports the exact frame time (possibly just before this event, while
      // the element still counted as seeking); audio-only media has only currentTime.
      const t = video.currentTime * 1000;
      if (!this.sawFrame || !this.hasVideo(video)) {
        this.currentMs = t;
        this.settled = true;
      } else if (Math.abs(this.lastFrameMs - t) < this.frameMs) {
        this.currentMs = this.lastFrameMs;
        this.settled = true;
      } else {
        // A live recording's frames are unevenly spaced: across a gap, the frame shown can be further than one
        // frame from the time asked for. If no newer frame is reported soon, the last one reported is on screen.
        this.settleLater(video, t);
      }
    };
    const onError = () => {
      this.error = video.error?.message || t('video.cannotPlay');
      // The element only says MEDIA_ELEMENT_ERROR; the server (or Electron's protocol) says why, e.g. that
      // the file is missing from the data folder.
      const src = video.currentSrc || video.src;
      if (!src) return;
      fetch(src, { headers: { range: 'bytes=0-0' } })
        .then(async (r) => {
          if (!r.ok) this.error = (await r.text()).trim() || this.error;
        })
        .catch(() => {});
    };
    const onRate = () => (this.rate = video.playbackRate);
    // One table for adding and removing, so no listener can outlive the player.
    const listeners: Array<[keyof HTMLMediaElementEventMap, () => void]> = [
      ['loadedmetadata', onMeta],
      ['durationchange', onMeta],
      ['play', onPlay],
      ['pause', onPause],
      ['ended', onPause],
      ['seeked', onSeeked],
      ['error', onError],
      ['ratechange', onRate],
    ];
    for (const [event, handler] of listeners) video.addEventListener(event, handler);
    const onVideoFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
      this.sawFrame = true;
      this.framesSinceSeek++;
      const ms = meta.mediaTime * 1000;
      this.lastFrameMs = ms;
      // A frame shown while a newer seek is under way is stale: the playhead stays where it was sent.
      if (!video.seeking) {
        this.currentMs = ms;
        this.settled = true;
      }
      for (const l of this.frameListeners) l(ms);
      this.rvfcId = video.requestVideoFrameCallback(onVideoFrame);
    };
    if ('requestVideoFrameCallback' in video) this.rvfcId = video.requestVideoFrameCallback(onVideoFrame);
    if (video.readyState >= 1) onMeta();
    return () => {
      for (const [event, handler] of listeners) video.removeEventListener(event, handler);
      if ('cancelVideoFrameCallback' in video) video.cancelVideoFrameCallback(this.rvfcId);
      cancelAnimationFrame(this.rafId);
      clearTimeout(this.settleTimer);
      this.video = null;
    };
  }

  /**
   * Settles on the last reported frame unless a newer one comes first. With no frame since the seek, one may still
   * be on its way (a loaded machine), so that wait is longer, and then the frame still on screen is the one shown.
   */
  private settleLater(video: HTMLVideoElement, seekedMs: number): void {
    clearTimeout(this.settleTimer);
    const settle = () => {
      if (this.settled || video.seeking) return;
      this.currentMs = this.framesSinceSeek > 0 || this.lastFrameMs <= seekedMs ? this.lastFrameMs : seekedMs;
      this.settled = true;
    };
    this.settleTimer = setTimeout(() => {
      if (this.framesSinceSeek > 0) settle();
      else this.settleTimer = setTimeout(settle, NO_FRAME_WAIT_MS - SETTLE_WAIT_MS);
    }, SETTLE_WAIT_MS);
  }

  /** Audio-only media (no frames to report): follow currentTime while playing. */
  private tick(): void {
    cancelAnimationFrame(this.rafId);
    const step = () => {
      const v = this.video;
      if (!v || v.paused) return;
      if (!this.sawFrame) {
        this.currentMs = v.currentTime * 1000;
        for (const l of this.frameListeners) l(this.currentMs);
      }
      this.rafId = requestAnimationFrame(step);
    };
    this.rafId = requestAnimationFrame(step);
  }

  private hasVideo(v: HTMLVideoElement): boolean {
    return v.videoWidth > 0;
  }

  play(): void {
    const v = this.video;
    if (!v) return;
    if (this.durationMs && this.currentMs >= this.durationMs - this.frameMs) this.seek(0);
    v.play().catch((e: unknown) => (this.error = e instanceof Error ? e.message : String(e)));
  }

  pause(): void {
    this.video?.pause();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Sends the playhead to `ms`; `shownMs` is what it reads until the frame there is on screen. */
  seek(ms: number, shownMs = ms): void {
    const v = this.video;
    const max = this.durationMs || Infinity;
    const t = Math.min(Math.max(0, ms), max);
    this.currentMs = Math.min(Math.max(0, shownMs), max);
    if (v) {
      this.settled = false;
      this.framesSinceSeek = 0;
      clearTimeout(this.settleTimer);
      v.currentTime = t / 1000;
    }
  }

  /**
   * Moves by whole frames and pauses. Aims at the middle of the target frame, so rounding never lands on its
   * neighbour; the frame callback then reports the frame's own time.
   */
  stepFrames(n: number): void {
    this.pause();
    this.moveFrames(n);
  }

  /** Moves by whole seconds' worth of frames (30 frames at 30 fps), playing on if playing. */
  stepSeconds(s: number): void {
    this.moveFrames(Math.round((s * 1000) / this.frameMs));
  }

  private moveFrames(n: number): void {
    const index = Math.round(this.currentMs / this.frameMs);
    const lastIndex = this.durationMs ? Math.floor((this.durationMs - 1) / this.frameMs) : Infinity;
    const k = Math.min(Math.max(0, index + n), lastIndex);
    // Until the frame arrives the playhead reads as that frame's nominal time, so quick repeated steps count
    // from the frame asked for, not from the one still on screen.
    this.seek((k + 0.5) * this.frameMs, k * this.frameMs);
  }

  setRate(r: number): void {
    const clamped = Math.min(SPEEDS[SPEEDS.length - 1], Math.max(SPEEDS[0], r));
    this.rate = clamped;
    if (this.video) this.video.playbackRate = clamped;
  }

  changeSpeed(direction: 1 | -1): void {
    this.setRate(nextSpeed(this.rate, direction));
  }
}
