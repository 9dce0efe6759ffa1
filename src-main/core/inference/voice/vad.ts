import type { ModelEntry } from '../manifest.js';
import type { ModelRunner } from './model-runner.js';
import { numberField } from './model-runner.js';

/** Silero VAD's fixed parameters, from its manifest entry. */
interface VadSpec {
  readonly frameSamples: number;
  readonly contextSamples: number;
  readonly sampleRate: number;
  readonly threshold: number;
  /** Recurrent state values per stream (lane). */
  readonly laneState: number;
  /** The state's leading dimension (the state is [lead, lanes, laneState / lead]). */
  readonly stateLead: number;
}

function vadSpec(entry: ModelEntry): VadSpec {
  if (entry.task !== 'vad') throw new Error(`Model "${entry.id}" is not a VAD model`);
  const stateSpec = entry.inputs.find((i) => i.name === 'state');
  if (!stateSpec || stateSpec.shape.length !== 3 || stateSpec.shape[1] >= 0) {
    throw new Error(`Model "${entry.id}" needs a "state" input of shape [n, -1 (streams), m] in the manifest`);
  }
  return {
    frameSamples: numberField(entry, 'frameSamples'),
    contextSamples: numberField(entry, 'contextSamples'),
    sampleRate: numberField(entry, 'sampleRate'),
    threshold: numberField(entry, 'speechThreshold'),
    laneState: stateSpec.shape[0] * stateSpec.shape[2],
    stateLead: stateSpec.shape[0],
  };
}

/** Copies lane `lane` of a [lead, lanes, per] state into (or out of) a one-lane [lead, per] array. */
function laneOfState(state: Float32Array, lanes: number, lane: number, lead: number, out: Float32Array): Float32Array {
  const per = out.length / lead;
  for (let l = 0; l < lead; l++) out.set(state.subarray((l * lanes + lane) * per, (l * lanes + lane + 1) * per), l * per);
  return out;
}

function setLaneOfState(state: Float32Array, lanes: number, lane: number, lead: number, value: Float32Array): void {
  const per = value.length / lead;
  for (let l = 0; l < lead; l++) state.set(value.subarray(l * per, (l + 1) * per), (l * lanes + lane) * per);
}

/**
 * Runs Silero over `lanes` independent frame sequences at once for `steps` steps: `input` is
 * [steps, lanes, context + frame], `state` the [lead, lanes, m] start state. One worker call for the lot.
 */
async function runSilero(
  runner: ModelRunner,
  entry: ModelEntry,
  spec: VadSpec,
  input: Float32Array,
  steps: number,
  lanes: number,
  state: Float32Array,
): Promise<{ probs: Float32Array; state: Float32Array }> {
  const width = spec.contextSamples + spec.frameSamples;
  const res = await runner.runRecurrent(entry.id, {
    steps,
    stepped: { input: { dtype: 'float32', data: input, dims: [lanes, width] } },
    fixed: { sr: { dtype: 'int64', data: BigInt64Array.of(BigInt(spec.sampleRate)), dims: [] } },
    carry: { state: { output: 'stateN', initial: { dtype: 'float32', data: state, dims: [spec.stateLead, lanes, spec.laneState / spec.stateLead] } } },
    collect: ['output'],
  });
  const probs = res.outputs.output?.data;
  const next = res.carry.state?.data;
  if (!(probs instanceof Float32Array) || !(next instanceof Float32Array)) throw new Error('Silero VAD returned no output/stateN');
  return { probs, state: next };
}

export interface LaneOptions {
  /** Sequences run side by side in one batched model call (at most). */
  lanes: number;
  /** Frames a lane runs before its own stretch, from zero state, so its state has settled when output starts. */
  warmupFrames: number;
  /** A span is only split when every lane gets at least this many frames of its own. */
  minLaneFrames: number;
}

/** Every frame in order in one lane: exactly silero-vad's own wrapper (live audio). */
export const SEQUENTIAL: LaneOptions = { lanes: 1, warmupFrames: 0, minLaneFrames: 1 };

/** 8 lanes, 1 s of warm-up, lanes of at least 4 s: ≤ 25 % extra frames, and ~3× fewer model calls per frame. */
export const DEFAULT_LANES: LaneOptions = { lanes: 8, warmupFrames: 32, minLaneFrames: 128 };

/**
 * Silero VAD v5 as a stream: one probability per 512-sample (32 ms) frame at 16 kHz, carrying the recurrent
 * state and the 64-sample context from call to call as silero-vad's own OnnxWrapper does. The frames of one
 * call run in the worker in a single message. Frame size, context and rate come from the manifest.
 *
 * With lanes (DEFAULT_LANES, for files) a call's frames are cut into lanes that run as one batch, several times
 * faster: the first lane continues the true state of the previous call (so a call shorter than one lane gives
 * exactly the sequential result); every other lane starts from zero state `warmupFrames` before its own
 * stretch, which brings its probabilities to within the tolerance measured in vad.test.ts.
 */
export class SileroVad {
  readonly frameSamples: number;
  readonly contextSamples: number;
  readonly sampleRate: number;
  readonly threshold: number;
  private readonly spec: VadSpec;
  private state: Float32Array;
  private context: Float32Array;

  constructor(
    private readonly runner: ModelRunner,
    readonly entry: ModelEntry,
    private readonly lanes: LaneOptions = SEQUENTIAL,
  ) {
    this.spec = vadSpec(entry);
    ({ frameSamples: this.frameSamples, contextSamples: this.contextSamples, sampleRate: this.sampleRate, threshold: this.threshold } = this.spec);
    if (!(lanes.lanes >= 1 && lanes.warmupFrames >= 0 && lanes.minLaneFrames >= 1)) throw new Error('Invalid VAD lane options');
    this.state = new Float32Array(this.spec.laneState);
    this.context = new Float32Array(this.contextSamples);
  }

  /** Speech probabilities (0..1) of the next whole frames of the stream; `samples` is a multiple of frameSamples. */
  async probs(samples: Float32Array): Promise<Float32Array> {
    if (samples.length % this.frameSamples !== 0) throw new Error(`VAD input must be whole frames of ${this.frameSamples} samples, got ${samples.length}`);
    return this.run(samples);
  }

  /**
   * As probs, for the next span of a file, where the last span may end in a partial frame: it is completed with
   * silence (as VoiceStream does at the end).
   */
  async span(samples: Float32Array): Promise<Float32Array> {
    const F = this.frameSamples;
    if (samples.length % F === 0) return this.run(samples);
    const x = new Float32Array(Math.ceil(samples.length / F) * F);
    x.set(samples);
    return this.run(x);
  }

  private async run(x: Float32Array): Promise<Float32Array> {
    const F = this.frameSamples;
    const C = this.contextSamples;
    const n = x.length / F;
    if (!n) return new Float32Array(0);
    const W = this.lanes.warmupFrames;
    const lanes = Math.max(1, Math.min(this.lanes.lanes, Math.floor((n - W) / this.lanes.minLaneFrames)));
    const laneFrames = lanes === 1 ? n : Math.ceil((n - W) / lanes);
    const steps = lanes === 1 ? n : W + laneFrames;
    // Lane 0 starts at frame 0 with the carried state and keeps all its outputs; lane b > 0 starts W frames
    // before its own stretch; the last lane is pulled back so it ends exactly at the end, which makes its final
    // state the one to carry into the next call.
    const firstFrame = (b: number): number => (b === 0 ? 0 : Math.min(W + b * laneFrames, n - laneFrames) - W);
    const width = C + F;
    const input = new Float32Array(steps * lanes * width);
    for (let b = 0; b < lanes; b++) {
      const f0 = firstFrame(b);
      for (let t = 0; t < steps; t++) {
        const at = (t * lanes + b) * width;
        const p = (f0 + t) * F;
        if (p >= C) input.set(x.subarray(p - C, p), at);
        else input.set(this.context, at);
        input.set(x.subarray(p, p + F), at + C);
      }
    }
    // This array is transferred to the worker, so it is never touched here again.
    const state = new Float32Array(this.spec.laneState * lanes);
    setLaneOfState(state, lanes, 0, this.spec.stateLead, this.state);
    const res = await runSilero(this.runner, this.entry, this.spec, input, steps, lanes, state);
    const out = new Float32Array(n);
    for (let b = 0; b < lanes; b++) {
      const f0 = firstFrame(b);
      for (let t = b === 0 ? 0 : W; t < steps; t++) out[f0 + t] = res.probs[t * lanes + b];
    }
    this.state = laneOfState(res.state, lanes, lanes - 1, this.spec.stateLead, new Float32Array(this.spec.laneState));
    this.context = x.slice(x.length - C);
    return out;
  }
}
