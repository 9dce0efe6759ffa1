import { ChunkQueue, type ChunkSender } from './chunk-queue.js';
import { t } from '../i18n/i18n.js';

/** WebM with VP9 or VP8 and Opus, best first: what the recording sink accepts. */
export const PREFERRED_MIME_TYPES = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus'] as const;

/** Chunks of at most one second, so a crash loses at most about a second of recording. */
export const TIMESLICE_MS = 1000;

export function chooseMimeType(isSupported: (type: string) => boolean = (t) => MediaRecorder.isTypeSupported(t)): string | null {
  return PREFERRED_MIME_TYPES.find((t) => isSupported(t)) ?? null;
}

export interface ChunkedRecorderOptions {
  stream: MediaStream;
  mimeType: string;
  /** Writes one chunk; called strictly in order, one at a time. */
  send: ChunkSender;
  /** Called once when a chunk could not be written or the recorder failed; the recorder is already stopping. */
  onFailure: (error: Error) => void;
  /** Called after each chunk is acknowledged. */
  onChunkSent?: (chunksSent: number) => void;
  timesliceMs?: number;
}

/**
 * MediaRecorder whose chunks stream to the sink while recording, never collected in memory.
 * stop() resolves only after the final chunk (emitted by MediaRecorder just before its 'stop' event) is written.
 */
export class ChunkedRecorder {
  private readonly recorder: MediaRecorder;
  private readonly queue: ChunkQueue;
  private readonly stopped: Promise<void>;
  private failureReported = false;

  constructor(private readonly opts: ChunkedRecorderOptions) {
    this.recorder = new MediaRecorder(opts.stream, { mimeType: opts.mimeType });
    this.queue = new ChunkQueue(
      async (seq, data) => {
        await opts.send(seq, data);
        opts.onChunkSent?.(seq + 1);
      },
      (e) => this.fail(e),
    );
    this.recorder.addEventListener('dataavailable', (ev) => this.queue.push(ev.data));
    this.recorder.addEventListener('error', (ev) => {
      const err = (ev as Event & { error?: unknown }).error;
      this.fail(new Error(t('capture.recorderFailed', { error: err instanceof Error ? err.message : t('capture.unknownError') })));
    });
    this.stopped = new Promise<void>((resolve) => this.recorder.addEventListener('stop', () => resolve(), { once: true }));
  }

  get state(): RecordingState {
    return this.recorder.state;
  }

  /** Starts recording; resolves once MediaRecorder has actually started. */
  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.recorder.addEventListener('start', () => resolve(), { once: true });
      try {
        this.recorder.start(this.opts.timesliceMs ?? TIMESLICE_MS);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** Stops and waits until every chunk, including the last one, has been written. Rejects on a write failure. */
  async stop(): Promise<void> {
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    await this.stopped;
    await this.queue.drain();
  }

  private fail(error: Error): void {
    if (this.failureReported) return;
    this.failureReported = true;
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    this.opts.onFailure(error);
  }
}
