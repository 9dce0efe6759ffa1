/**
 * The Capture view's session and its recording state machine (idle → starting → recording → stopping → done):
 * opens the core's recording sink, feeds it MediaRecorder chunks, shows what is on disk, and stops exactly
 * once, whether from the button, a write failure or leaving the view.
 */
import type { Session } from '../../../src-shared/domain.js';
import type { KeepMedia } from '../../../src-shared/governance.js';
import { mimeTypeFor } from '../governance/keep-media.js';
import { api } from '../api/client.js';
import { errorMessage } from '../ui/errors.js';
import { ChunkedRecorder, chooseMimeType } from './chunked-recorder.js';
import { t } from '../i18n/i18n.js';
import { FrameMonitor } from './frame-monitor.svelte.js';
import { EncoderWarmUp } from './encoder-warm-up.js';

/** The warm-up waits this long after the camera opens, past the preview detector's and the analysis's start. */
const WARM_UP_AFTER_MS = 1500;

export type RecordingPhase = 'idle' | 'starting' | 'recording' | 'stopping' | 'done';

export class CaptureRecording {
  session = $state<Session | null>(null);
  loadError = $state<string | null>(null);
  phase = $state<RecordingPhase>('idle');
  elapsedMs = $state(0);
  bytesWritten = $state(0);
  chunksWritten = $state(0);
  error = $state<string | null>(null);
  /** What this capture keeps, and why the participant's consent does not allow it (null when it does). */
  keep = $state<KeepMedia>({ video: true, audio: true });
  consentBlock = $state<string | null>(null);
  /** Counts the camera's frames while recording video (recording statistics, stored at Stop). */
  frames = $state<FrameMonitor | null>(null);
  /** The camera preview, whose presented frames are counted. */
  preview: HTMLVideoElement | null = null;

  /** Recording, or on its way in or out: leaving the view or changing devices would cut it short. */
  readonly busy = $derived(this.phase === 'recording' || this.phase === 'starting' || this.phase === 'stopping');

  private recorder: ChunkedRecorder | null = null;
  private startedAt = 0;
  private clock: ReturnType<typeof setInterval> | null = null;
  private finishing: Promise<void> | null = null;
  /** The stream the encoder was (or is being) warmed up on, and the warm-up, once begun. */
  private warm: { stream: MediaStream; timer: ReturnType<typeof setTimeout> | null; run: EncoderWarmUp | null } | null = null;

  constructor(
    readonly sessionId: number,
    private readonly hooks: {
      /** A recording is being set up (the encoder starts next): other work on the camera's frames should give way. */
      starting?: () => void;
      /** Setting it up failed: nothing is recorded. */
      notStarted?: () => void;
      /** Recording runs; `startedAt` is the MediaRecorder's start on the performance.now() clock. */
      started?: (startedAt: number) => void;
      /** Stop was pressed (or the recording failed): awaited before the core finalizes the session. */
      stopping?: () => Promise<void> | void;
      /** The recording is finalized (or failed to be): the devices can be released. */
      done?: () => void;
    } = {},
  ) {}

  canRecord(stream: MediaStream | null): boolean {
    return this.session?.status === 'created' && stream !== null && this.phase === 'idle' && this.consentBlock === null;
  }

  async load(): Promise<void> {
    try {
      this.session = await api.call('sessions.get', { id: this.sessionId });
      this.loadError = null;
    } catch (e) {
      this.loadError = errorMessage(e);
    }
  }

  /** Follows the core's progress and session updates; returns the unsubscribe. */
  listen(): () => void {
    const offProgress = api.on('recording.progress', (p) => {
      if (p.sessionId !== this.sessionId) return;
      this.bytesWritten = Math.max(this.bytesWritten, p.bytesWritten);
      this.chunksWritten = Math.max(this.chunksWritten, p.chunks);
    });
    const offChanged = api.on('session.changed', (s) => {
      if (s.id === this.sessionId) this.session = s;
    });
    return () => {
      offProgress();
      offChanged();
    };
  }

  /**
   * Warms the video encoder up on `stream` once, shortly after it opens (encoder-warm-up.ts), when a recording
   * of it could start; a later stream (other devices) gets its own.
   */
  warmUp(stream: MediaStream | null): void {
    if (!stream || this.warm?.stream === stream || !this.canRecord(stream) || !this.keep.video) return;
    const mimeType = mimeTypeFor(this.keep, chooseMimeType(), (type) => MediaRecorder.isTypeSupported(type));
    if (!mimeType) return;
    void this.stopWarmUp();
    const warm: NonNullable<typeof this.warm> = { stream, timer: null, run: null };
    warm.timer = setTimeout(() => {
      warm.timer = null;
      if (this.warm === warm && this.phase === 'idle') warm.run = new EncoderWarmUp(stream, mimeType);
    }, WARM_UP_AFTER_MS);
    this.warm = warm;
  }

  /** A warm-up still due or running stops; resolves when no warm-up recorder holds the stream. */
  private async stopWarmUp(): Promise<void> {
    const warm = this.warm;
    if (!warm) return;
    if (warm.timer) clearTimeout(warm.timer);
    warm.timer = null;
    await warm.run?.stop();
  }

  async start(stream: MediaStream | null): Promise<void> {
    if (!stream || !this.canRecord(stream)) return;
    this.error = null;
    const keep = this.keep;
    const keeps = keep.video || keep.audio;
    const mimeType = mimeTypeFor(keep, chooseMimeType(), (type) => MediaRecorder.isTypeSupported(type));
    if (keeps && !mimeType) {
      this.error = keep.video ? t('capture.cannotRecordWebm') : t('capture.cannotRecordWebmAudio');
      return;
    }
    const sessionId = this.sessionId;
    this.phase = 'starting';
    this.hooks.starting?.();
    // One encoder at a time: a warm-up still running ends first (a stop takes a few milliseconds).
    await this.stopWarmUp();
    this.bytesWritten = 0;
    this.chunksWritten = 0;
    let sinkOpen = false;
    try {
      this.session = await api.call('recording.start', { sessionId, keep, ...(mimeType ? { mimeType } : {}) });
      sinkOpen = true;
      if (!keeps || !mimeType) {
        // Results only: nothing is recorded; the live analysis is stored on this clock.
        this.running(performance.now());
        return;
      }
      const r = new ChunkedRecorder({
        stream: keep.video ? stream : new MediaStream(stream.getAudioTracks()),
        mimeType,
        send: async (seq, data) => {
          const res = await api.call('recording.chunk', { sessionId, seq, data });
          this.bytesWritten = Math.max(this.bytesWritten, res.bytesWritten);
          this.chunksWritten = Math.max(this.chunksWritten, res.chunks);
        },
        onFailure: (e) => {
          this.error = t('capture.writeFailed', { error: errorMessage(e) });
          void this.finish();
        },
      });
      this.recorder = r;
      await r.start();
      if (keep.video && this.preview) {
        this.frames = new FrameMonitor(this.preview, FrameMonitor.nominalFps(stream));
        this.frames.start();
      }
      this.running(performance.now());
    } catch (e) {
      this.error = t('capture.couldNotStart', { error: errorMessage(e) });
      this.recorder = null;
      if (sinkOpen) {
        // The session was marked as recording; close it so it does not stay "recording" forever.
        try {
          this.session = await api.call('recording.stop', { sessionId });
        } catch {
          /* shown above */
        }
        this.phase = 'done';
      } else {
        this.phase = 'idle';
      }
      this.hooks.notStarted?.();
    }
  }

  /** Recording (or, results only, the analysis clock) runs from `startedAt` on the performance.now() clock. */
  private running(startedAt: number): void {
    this.startedAt = startedAt;
    this.hooks.started?.(startedAt);
    this.elapsedMs = 0;
    this.phase = 'recording';
    this.clock = setInterval(() => (this.elapsedMs = performance.now() - startedAt), 200);
  }

  /** Stops recording once: waits for the last chunk on disk, then lets the core finalize the file. */
  finish(): Promise<void> {
    this.finishing ??= (async () => {
      this.phase = 'stopping';
      const r = this.recorder;
      const stopping = this.hooks.stopping?.();
      try {
        await r?.stop();
      } catch {
        // The write failure is already reported through onFailure.
      }
      if (this.clock) clearInterval(this.clock);
      this.clock = null;
      if (this.startedAt) this.elapsedMs = performance.now() - this.startedAt;
      const stats = this.frames?.stop() ?? null;
      await stopping;
      try {
        this.session = await api.call('recording.stop', { sessionId: this.sessionId, ...(this.startedAt ? { elapsedMs: Math.max(0, this.elapsedMs) } : {}), ...(stats ? { stats } : {}) });
      } catch (e) {
        const msg = errorMessage(e);
        // not-ui: the earlier message with this one in brackets
        this.error = this.error ? `${this.error} (${msg})` : t('capture.couldNotFinalize', { error: msg });
        await this.load();
      }
      this.recorder = null;
      this.phase = 'done';
      this.hooks.done?.();
    })();
    return this.finishing;
  }

  toggle(stream: MediaStream | null): void {
    if (this.phase === 'recording') void this.finish();
    else if (this.phase === 'idle') void this.start(stream);
  }

  /** The view is going: a recording in progress is finished properly; resolves when nothing is left running. */
  leave(): Promise<void> {
    void this.stopWarmUp();
    if (this.phase === 'recording' || this.phase === 'starting') return this.finish();
    return this.finishing ?? Promise.resolve();
  }
}
