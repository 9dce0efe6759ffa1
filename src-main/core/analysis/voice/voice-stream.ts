import type { VoiceEmotion, VoiceWindowResult } from '../../../../src-shared/contract/voice.js';
import type { VoiceEmotionModel } from '../../inference/voice/voice-emotion-model.js';
import { valenceArousal } from '../../../../src-shared/circumplex.js';
import { featureVector } from './feature-vector.js';
import { FrameAnalyzer } from './frame-analyzer.js';
import { FrameStore } from './frame-store.js';
import { windowFeatures } from './functionals.js';
import { DEFAULT_WINDOW, FRAME_HOP, LOGMEL_BANDS, PITCH_FRAME, SAMPLE_RATE, SPECTRUM_FRAME, type WindowParams, windowSamples } from './params.js';
import { SampleBuffer } from './sample-buffer.js';

/** What the stream needs from a voice-activity detector (SileroVad in the app). */
export interface FrameVad {
  readonly frameSamples: number;
  readonly sampleRate: number;
  readonly threshold: number;
  /** Speech probabilities of the next whole frames of the stream (`samples` is a multiple of frameSamples). */
  probs(samples: Float32Array): Promise<Float32Array>;
}

/** A window is speech when at least this share of its VAD frames reach the model's threshold (~200 ms in 2 s). */
export const MIN_SPEECH_RATIO = 0.1;
/** Media shorter than this gives no window at all. */
const MIN_MEDIA_SAMPLES = SAMPLE_RATE / 10;
const MAX_SINGLE_WINDOW = 60 * SAMPLE_RATE;

export interface VoiceStreamOptions {
  window?: WindowParams;
  /** Media-clock time of the first sample pushed, ms. */
  t0Ms?: number;
  /** Windows classified per model call; 1 for live (lowest latency), more for files (fewer calls). */
  batch?: number;
  /** At finish(), add one window ending at the media end when the grid leaves the tail uncovered. */
  coverTail?: boolean;
  /** Treat everything pushed as one window, emitted at finish() (analyzeWindow). */
  singleWindow?: boolean;
  /** Classify windows without speech too (diagnostics only; the app never shows those). */
  classifyAll?: boolean;
}

interface PendingWindow {
  result: VoiceWindowResult;
  /** Model input for this window when it is to be classified. */
  input: Float32Array | null;
  frames: number;
}

/**
 * The voice pipeline over one continuous stream of 16 kHz mono samples (a live microphone, or a decoded file):
 * per-frame descriptors once per 10 ms frame, Silero VAD once per 32 ms frame, and for every window on the
 * grid (default 2 s every 0.5 s) the speech flag, the eGeMAPS-style functionals and, when there is speech,
 * the voice model's emotion estimate. Windows are timestamped from the media clock: t0Ms + sample index / 16.
 */
export class VoiceStream {
  private readonly win: number;
  private readonly hop: number;
  private readonly t0Ms: number;
  private readonly batch: number;
  private readonly buffer = new SampleBuffer();
  private readonly frames: FrameStore;
  private readonly analyzer = new FrameAnalyzer();
  private readonly pitchFrame = new Float32Array(PITCH_FRAME);
  private vadProbs: number[] = [];
  private vadBase = 0; // frame index of vadProbs[0]
  private vadDone = 0;
  private nextWindow = 0;
  private lastStart = -1;
  private lastEnd = 0;
  private traceFrom = 0;
  private pending: PendingWindow[] = [];
  private finished = false;

  constructor(
    private readonly vad: FrameVad,
    private readonly model: VoiceEmotionModel | null,
    private readonly opts: VoiceStreamOptions = {},
  ) {
    ({ win: this.win, hop: this.hop } = windowSamples(opts.window ?? DEFAULT_WINDOW));
    this.t0Ms = opts.t0Ms ?? 0;
    this.batch = Math.max(1, opts.batch ?? 1);
    // Frames are kept for the longest stretch a window can still need: one window plus the hop pushed at a time.
    const span = opts.singleWindow ? MAX_SINGLE_WINDOW : this.win + 2 * this.hop;
    this.frames = new FrameStore(Math.ceil((span + 2 * FRAME_HOP) / FRAME_HOP) + 16);
    if (vad.sampleRate !== SAMPLE_RATE) throw new Error(`VAD model expects ${vad.sampleRate} Hz; the voice pipeline runs at ${SAMPLE_RATE} Hz`);
  }

  /** Samples received so far. */
  get samples(): number {
    return this.buffer.end;
  }

  /** Adds samples; resolves with the windows completed (and classified) by them, in time order. */
  async push(block: Float32Array): Promise<VoiceWindowResult[]> {
    if (this.finished) throw new Error('Voice stream already finished');
    if (this.opts.singleWindow && this.buffer.end + block.length > MAX_SINGLE_WINDOW) throw new Error('A single voice window is limited to 60 s');
    // At most one hop at a time, so frames never run further ahead of the windows than the store holds.
    for (let i = 0; i < block.length; i += this.hop) await this.advance(block.subarray(i, i + this.hop));
    return this.drain(false);
  }

  private async advance(piece: Float32Array): Promise<void> {
    this.buffer.append(piece);
    this.computeFrames();
    await this.runVad(false);
    if (!this.opts.singleWindow) {
      const vadReady = this.vadDone * this.vad.frameSamples;
      for (;;) {
        const s = this.nextWindow * this.hop;
        const e = s + this.win;
        // Every VAD frame centred inside the window must be done.
        if (e > this.buffer.end || vadReady < e + this.vad.frameSamples / 2) break;
        this.collect(s, e);
        this.nextWindow++;
      }
      this.trim();
    }
  }

  /** Ends the stream: analyses the tail (or the whole input in single-window mode) and returns the last windows. */
  async finish(): Promise<VoiceWindowResult[]> {
    if (this.finished) return [];
    this.finished = true;
    await this.runVad(true);
    const total = this.buffer.end;
    const end = Math.floor(total / FRAME_HOP) * FRAME_HOP;
    if (this.opts.singleWindow || (this.lastStart < 0 && total < this.win)) {
      if (end >= Math.max(MIN_MEDIA_SAMPLES, SPECTRUM_FRAME)) this.collect(0, end);
    } else if (this.opts.coverTail !== false && total - this.lastEnd >= FRAME_HOP && total >= this.win) {
      const s = Math.floor((total - this.win) / FRAME_HOP) * FRAME_HOP;
      if (s > this.lastStart) this.collect(s, s + this.win);
    }
    return this.drain(true);
  }

  private computeFrames(): void {
    const lead = PITCH_FRAME - SPECTRUM_FRAME;
    for (;;) {
      const k = this.frames.count;
      const spanEnd = k * FRAME_HOP + SPECTRUM_FRAME;
      if (spanEnd > this.buffer.end) break;
      this.buffer.read(k * FRAME_HOP - lead, spanEnd, this.pitchFrame);
      this.analyzer.analyze(this.pitchFrame, this.frames, k);
    }
  }

  private async runVad(flush: boolean): Promise<void> {
    const n = this.vad.frameSamples;
    const total = this.buffer.end;
    const from = this.vadDone * n;
    // Every whole frame available, in one call; at the end, the last partial frame is completed with silence.
    const frames = flush ? Math.ceil((total - from) / n) : Math.floor((total - from) / n);
    if (frames <= 0) return;
    const block = new Float32Array(frames * n);
    this.buffer.read(from, Math.min(from + frames * n, total), block.subarray(0, Math.min(frames * n, total - from)));
    const p = await this.vad.probs(block);
    for (let i = 0; i < p.length; i++) this.vadProbs.push(p[i]);
    this.vadDone += frames;
  }

  /** Forgets samples, frames and VAD values no future window can need. */
  private trim(): void {
    const keepFrom = Math.max(0, Math.min(this.nextWindow * this.hop, this.buffer.end - this.win - FRAME_HOP) - PITCH_FRAME);
    this.buffer.dropBefore(keepFrom);
    const vadKeep = Math.floor(keepFrom / this.vad.frameSamples);
    if (vadKeep > this.vadBase + 256) {
      this.vadProbs = this.vadProbs.slice(vadKeep - this.vadBase);
      this.vadBase = vadKeep;
    }
  }

  private collect(s: number, e: number): void {
    const n = this.vad.frameSamples;
    let sum = 0;
    let count = 0;
    let above = 0;
    for (let j = Math.max(this.vadBase, Math.ceil((s - n / 2) / n)); j < this.vadDone; j++) {
      const centre = j * n + n / 2;
      if (centre < s) continue;
      if (centre >= e) break;
      const p = this.vadProbs[j - this.vadBase];
      sum += p;
      count++;
      if (p >= this.vad.threshold) above++;
    }
    const speechRatio = count ? above / count : 0;
    const speech = count > 0 && speechRatio >= MIN_SPEECH_RATIO;
    const fromFrame = s / FRAME_HOP;
    const toFrame = Math.floor((e - SPECTRUM_FRAME) / FRAME_HOP) + 1;
    const frames = toFrame - fromFrame;
    const features = frames > 0 ? windowFeatures(this.frames, fromFrame, toFrame, this.buffer.read(s, e)) : null;
    const tf = Math.max(fromFrame, this.traceFrom);
    const trace =
      toFrame > tf
        ? {
            stepMs: (FRAME_HOP * 1000) / SAMPLE_RATE,
            f0: Array.from({ length: toFrame - tf }, (_, i) => this.frames.f0[this.frames.slot(tf + i)]),
            loudness: Array.from({ length: toFrame - tf }, (_, i) => this.frames.loudness[this.frames.slot(tf + i)]),
          }
        : null;
    this.traceFrom = Math.max(this.traceFrom, toFrame);
    const result: VoiceWindowResult = {
      tMs: this.t0Ms + (s * 1000) / SAMPLE_RATE,
      durMs: ((e - s) * 1000) / SAMPLE_RATE,
      speech,
      speechProb: count ? sum / count : 0,
      speechRatio,
      features,
      emotion: null,
      trace,
    };
    let input: Float32Array | null = null;
    if (this.model && features && (speech || this.opts.classifyAll) && frames >= this.model.minFrames) {
      input = this.model.inputKind === 'logmel' ? this.frames.logMelBlock(fromFrame, toFrame) : featureVector(features, this.model);
    }
    this.pending.push({ result, input, frames });
    this.lastStart = s;
    this.lastEnd = e;
  }

  /** Classifies pending windows (in batches of equal shape) and hands back those that are complete. */
  private async drain(force: boolean): Promise<VoiceWindowResult[]> {
    const model = this.model;
    const toRun = this.pending.filter((p) => p.input);
    if (model && toRun.length && (force || toRun.length >= this.batch)) {
      for (let i = 0; i < toRun.length; ) {
        const group = [toRun[i]];
        while (group.length < this.batch && i + group.length < toRun.length && toRun[i + group.length].frames === toRun[i].frames) group.push(toRun[i + group.length]);
        i += group.length;
        const per = group[0].input!.length;
        const data = new Float32Array(per * group.length);
        group.forEach((g, k) => data.set(g.input!, k * per));
        const dims = model.inputKind === 'logmel' ? [group.length, 1, LOGMEL_BANDS, group[0].frames] : [group.length, per];
        const raw = await model.run(data, dims);
        group.forEach((g, k) => {
          g.result.emotion = this.emotion(model, raw[k]);
          g.input = null;
        });
      }
    }
    if (this.pending.some((p) => p.input)) {
      // Hold back everything from the first unclassified window so results stay in time order.
      const firstOpen = this.pending.findIndex((p) => p.input);
      const done = this.pending.slice(0, firstOpen);
      this.pending = this.pending.slice(firstOpen);
      return done.map((p) => p.result);
    }
    const done = this.pending.map((p) => p.result);
    this.pending = [];
    return done;
  }

  private emotion(model: VoiceEmotionModel, raw: Float32Array): VoiceEmotion {
    const { probs, calm } = model.toCanonical(raw);
    return { modelId: model.entry.id, probs, calm, ...valenceArousal(probs, calm) };
  }
}
