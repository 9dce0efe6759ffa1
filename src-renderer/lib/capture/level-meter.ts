/** Lowest level shown; quieter than this reads as silence. */
export const METER_FLOOR_DB = -90;

/** RMS level of samples in dBFS (a full-scale square wave reads 0, a full-scale sine about -3). */
export function rmsDbfs(samples: Float32Array): number {
  if (samples.length === 0) return METER_FLOOR_DB;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = Math.sqrt(sum / samples.length);
  return rms > 0 ? Math.max(METER_FLOOR_DB, 20 * Math.log10(rms)) : METER_FLOOR_DB;
}

/**
 * Microphone level from an AnalyserNode on the capture stream. Reads the raw signal: capture has echo
 * cancellation, noise suppression and gain control off, so this is what gets recorded.
 */
export class LevelMeter {
  private readonly ctx: AudioContext;
  private readonly source: MediaStreamAudioSourceNode;
  private readonly analyser: AnalyserNode;
  private readonly buffer: Float32Array<ArrayBuffer>;
  private readonly resumeOnGesture = () => void this.ctx.resume();

  constructor(stream: MediaStream) {
    this.ctx = new AudioContext();
    this.source = this.ctx.createMediaStreamSource(stream);
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 2048;
    this.buffer = new Float32Array(this.analyser.fftSize);
    this.source.connect(this.analyser);
    // Autoplay rules can start the context suspended until the user interacts with the page.
    if (this.ctx.state === 'suspended') {
      void this.ctx.resume();
      window.addEventListener('pointerdown', this.resumeOnGesture, { once: true });
      window.addEventListener('keydown', this.resumeOnGesture, { once: true });
    }
  }

  /** True while the browser keeps audio processing paused (no user gesture yet). */
  get suspended(): boolean {
    return this.ctx.state === 'suspended';
  }

  /** Current level in dBFS over the last ~43 ms at 48 kHz. */
  read(): number {
    this.analyser.getFloatTimeDomainData(this.buffer);
    return rmsDbfs(this.buffer);
  }

  async close(): Promise<void> {
    window.removeEventListener('pointerdown', this.resumeOnGesture);
    window.removeEventListener('keydown', this.resumeOnGesture);
    this.source.disconnect();
    await this.ctx.close();
  }
}
