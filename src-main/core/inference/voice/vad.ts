import type { ModelEntry } from '../manifest.js';
import type { TensorData } from '../tensor-data.js';
import { type ModelRunner, numberField } from './model-runner.js';

/**
 * Silero VAD v5 as a stream: one model call per 512-sample (32 ms) frame at 16 kHz, carrying the recurrent
 * state and the 64-sample context from frame to frame exactly as silero-vad's own OnnxWrapper does.
 * Frame size, context and rate come from the manifest entry.
 */
export class SileroVad {
  readonly frameSamples: number;
  readonly contextSamples: number;
  readonly sampleRate: number;
  readonly threshold: number;
  private state: Float32Array;
  private context: Float32Array;
  private readonly stateDims: number[];

  constructor(
    private readonly runner: ModelRunner,
    readonly entry: ModelEntry,
  ) {
    if (entry.task !== 'vad') throw new Error(`Model "${entry.id}" is not a VAD model`);
    this.frameSamples = numberField(entry, 'frameSamples');
    this.contextSamples = numberField(entry, 'contextSamples');
    this.sampleRate = numberField(entry, 'sampleRate');
    this.threshold = numberField(entry, 'speechThreshold');
    const stateSpec = entry.inputs.find((i) => i.name === 'state');
    if (!stateSpec) throw new Error(`Model "${entry.id}" has no "state" input in the manifest`);
    this.stateDims = stateSpec.shape.map((d) => (d < 0 ? 1 : d));
    this.state = new Float32Array(this.stateDims.reduce((a, b) => a * b, 1));
    this.context = new Float32Array(this.contextSamples);
  }

  /** Back to the start-of-stream state (zeros), for a new recording or after a gap. */
  reset(): void {
    this.state = new Float32Array(this.state.length);
    this.context = new Float32Array(this.contextSamples);
  }

  /** Speech probability (0..1) of the next frame of exactly `frameSamples` samples. */
  async next(frame: Float32Array): Promise<number> {
    if (frame.length !== this.frameSamples) throw new Error(`VAD frame must be ${this.frameSamples} samples, got ${frame.length}`);
    const input = new Float32Array(this.contextSamples + this.frameSamples);
    input.set(this.context, 0);
    input.set(frame, this.contextSamples);
    this.context = frame.slice(frame.length - this.contextSamples);
    const feeds: Record<string, TensorData> = {
      input: { dtype: 'float32', data: input, dims: [1, input.length] },
      // The state array is transferred to the worker, so it is never touched here again.
      state: { dtype: 'float32', data: this.state, dims: this.stateDims },
      sr: { dtype: 'int64', data: BigInt64Array.of(BigInt(this.sampleRate)), dims: [] },
    };
    this.state = new Float32Array(this.state.length);
    const out = await this.runner.run(this.entry.id, feeds);
    const next = out.stateN?.data;
    const prob = out.output?.data;
    if (!(next instanceof Float32Array) || !(prob instanceof Float32Array)) throw new Error('Silero VAD returned no output/stateN');
    this.state = next;
    return prob[0];
  }
}
