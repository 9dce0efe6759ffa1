import type { FrameVad } from './voice-stream.js';

/**
 * Hands a VoiceStream speech probabilities computed ahead of it (by SileroVad in lanes over a whole span of a file),
 * frame by frame in order. Asking for frames not yet supplied is a programming error.
 */
export class PrecomputedVad implements FrameVad {
  private queue: Float32Array[] = [];
  private offset = 0;
  private available = 0;

  constructor(
    readonly frameSamples: number,
    readonly sampleRate: number,
    readonly threshold: number,
  ) {}

  /** Adds the probabilities of the next frames. */
  supply(probs: Float32Array): void {
    if (probs.length) this.queue.push(probs);
    this.available += probs.length;
  }

  async probs(samples: Float32Array): Promise<Float32Array> {
    const n = samples.length / this.frameSamples;
    if (!Number.isInteger(n)) throw new Error(`VAD input must be whole frames of ${this.frameSamples} samples`);
    if (n > this.available) throw new Error(`VAD probabilities for ${n} frames requested, ${this.available} supplied`);
    const out = new Float32Array(n);
    for (let i = 0; i < n; ) {
      const head = this.queue[0];
      const take = Math.min(n - i, head.length - this.offset);
      out.set(head.subarray(this.offset, this.offset + take), i);
      i += take;
      this.offset += take;
      if (this.offset === head.length) {
        this.queue.shift();
        this.offset = 0;
      }
    }
    this.available -= n;
    return out;
  }
}
