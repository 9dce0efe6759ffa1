/**
 * A throwaway MediaRecorder run for a moment on the open camera before the first recording, its output dropped
 * as it comes (nothing of it is kept, sent or written): Chromium's video encoder then starts warm when Record is
 * pressed. Cold, on a 2-core AMD EPYC VM, the encoder's start cost each recording of the 30 fps test clip one
 * gap right at its beginning: median 0.36 s, 11 of 23 runs over 0.4 s; warmed up, median 0.30 s, 2 of 9 over 0.4 s
 * (docs/framing.md).
 */

/** Long enough for the encoder's first output (0.35-0.54 s there). */
export const WARM_UP_MS = 1000;

export class EncoderWarmUp {
  private readonly done: Promise<void>;
  private readonly recorder: MediaRecorder | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(stream: MediaStream, mimeType: string, ms = WARM_UP_MS) {
    let recorder: MediaRecorder;
    try {
      recorder = new MediaRecorder(stream, { mimeType });
    } catch {
      // A warm-up that cannot run changes nothing: the recording says itself whether it can start.
      this.done = Promise.resolve();
      return;
    }
    this.recorder = recorder;
    this.done = new Promise<void>((resolve) => {
      recorder.onstop = () => resolve();
      recorder.onerror = () => resolve();
    });
    recorder.ondataavailable = () => undefined;
    try {
      // A timeslice, so the encoder works as it will while recording.
      recorder.start(250);
    } catch {
      this.done = Promise.resolve();
      return;
    }
    this.timer = setTimeout(() => void this.stop(), ms);
  }

  /** Stops now (or confirms it has stopped); resolves once the recorder has let go of the stream. */
  stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.recorder && this.recorder.state !== 'inactive') this.recorder.stop();
    return this.done;
  }
}
