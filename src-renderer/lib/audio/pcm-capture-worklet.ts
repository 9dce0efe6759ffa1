/**
 * AudioWorklet processor: the microphone's channels averaged to mono, resampled to 16 kHz and posted to the
 * page in blocks (default 100 ms), each with the AudioContext time of its first input sample, so the page can
 * put it on the session's media clock. Loaded by mic-pcm-stream.ts through Vite's `?worker&url`.
 */
import { downmix, Resampler16k, TARGET_RATE } from './resample-16k.js';

// The AudioWorkletGlobalScope names this code uses (not in TypeScript's DOM library).
declare const sampleRate: number;
declare const currentFrame: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: { processorOptions?: unknown });
}
declare function registerProcessor(name: string, ctor: new (options?: { processorOptions?: unknown }) => AudioWorkletProcessor): void;

export interface PcmWorkletMessage {
  pcm: Float32Array;
  /** AudioContext time (s) of the input sample the block's first output sample was taken at. */
  contextTime: number;
  /** Running count of 16 kHz samples before this block; a gap shows as a jump. */
  sampleIndex: number;
}

class PcmCaptureProcessor extends AudioWorkletProcessor {
  private readonly resampler = new Resampler16k(sampleRate);
  private readonly blockSamples: number;
  private block: Float32Array;
  private filled = 0;
  private emitted = 0;
  private blockStartTime = -1;
  private mono = new Float32Array(128);
  private stopped = false;

  constructor(options?: { processorOptions?: unknown }) {
    super(options);
    const opts = (options?.processorOptions ?? {}) as { blockMs?: number };
    this.blockSamples = Math.round(((opts.blockMs ?? 100) * TARGET_RATE) / 1000);
    this.block = new Float32Array(this.blockSamples);
    this.port.onmessage = (e: MessageEvent) => {
      if ((e.data as { type?: string }).type === 'stop') this.stopped = true;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    const channels = inputs[0];
    if (!channels || !channels.length) return true;
    if (this.mono.length !== channels[0].length) this.mono = new Float32Array(channels[0].length);
    const out = this.resampler.process(downmix(channels, this.mono));
    for (let i = 0; i < out.length; i++) {
      if (this.filled === 0) {
        // Time of this output sample: it sits `out.length - i` outputs before the end of this quantum.
        this.blockStartTime = (currentFrame + channels[0].length) / sampleRate - (out.length - i) / TARGET_RATE;
      }
      this.block[this.filled++] = out[i];
      if (this.filled === this.blockSamples) {
        const msg: PcmWorkletMessage = { pcm: this.block, contextTime: this.blockStartTime, sampleIndex: this.emitted };
        this.port.postMessage(msg, [this.block.buffer]);
        this.emitted += this.blockSamples;
        this.block = new Float32Array(this.blockSamples);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('pcm-capture-16k', PcmCaptureProcessor);
