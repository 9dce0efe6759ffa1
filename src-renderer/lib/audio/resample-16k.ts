/**
 * Streaming resampler from the audio device rate (44.1/48 kHz, or anything ≥ 16 kHz) to 16 kHz mono:
 * a windowed-sinc low-pass at 7.2 kHz (below the new Nyquist, so nothing folds back into the speech band)
 * evaluated directly at each output instant. Keeps its own history between blocks, so block boundaries are
 * seamless. Pure code with no DOM or Node imports: runs in the AudioWorklet and in unit tests alike.
 */
export const TARGET_RATE = 16000;
const CUTOFF_HZ = 7200;
/** Filter half-width in input samples at 48 kHz (scaled with the input rate). */
const HALF_WIDTH_48K = 24;

export class Resampler16k {
  private readonly step: number;
  private readonly half: number;
  private readonly fc: number;
  private history: Float32Array;
  /** Position of the next output sample, in input samples relative to history[0]. */
  private pos: number;

  constructor(readonly inputRate: number) {
    // not-ui: a programming error (the AudioContext rate), never shown for a user's action
    if (!(inputRate >= TARGET_RATE)) throw new Error(`Input rate must be at least ${TARGET_RATE} Hz, got ${inputRate}`);
    this.step = inputRate / TARGET_RATE;
    this.half = Math.ceil((HALF_WIDTH_48K * inputRate) / 48000);
    this.fc = CUTOFF_HZ / inputRate;
    this.history = new Float32Array(this.half);
    this.pos = this.half;
  }

  private tap(d: number): number {
    // sinc low-pass × Blackman window over |d| ≤ half.
    const x = 2 * this.fc * d;
    const sinc = d === 0 ? 2 * this.fc : Math.sin(Math.PI * x) / (Math.PI * d);
    const w = 0.42 + 0.5 * Math.cos((Math.PI * d) / this.half) + 0.08 * Math.cos((2 * Math.PI * d) / this.half);
    return sinc * w;
  }

  /** Feeds mono input samples; returns the 16 kHz samples that are now complete. */
  process(input: Float32Array): Float32Array {
    const buf = new Float32Array(this.history.length + input.length);
    buf.set(this.history, 0);
    buf.set(input, this.history.length);
    const out: number[] = [];
    while (this.pos + this.half < buf.length) {
      const c = Math.floor(this.pos);
      let acc = 0;
      for (let j = c - this.half + 1; j <= c + this.half; j++) acc += buf[j] * this.tap(this.pos - j);
      out.push(acc);
      this.pos += this.step;
    }
    // Keep what the next outputs still reach back to.
    const keepFrom = Math.max(0, Math.floor(this.pos) - this.half);
    this.history = buf.slice(keepFrom);
    this.pos -= keepFrom;
    return Float32Array.from(out);
  }
}

/** Averages the channels of one render quantum into `out` (mono). */
export function downmix(channels: readonly Float32Array[], out: Float32Array): Float32Array {
  out.fill(0);
  if (!channels.length) return out;
  for (const ch of channels) for (let i = 0; i < out.length; i++) out[i] += ch[i];
  const k = 1 / channels.length;
  for (let i = 0; i < out.length; i++) out[i] *= k;
  return out;
}
