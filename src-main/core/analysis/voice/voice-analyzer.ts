import type { VoiceWindowResult } from '../../../../src-shared/contract/voice.js';
import { defaultModelFor, getModel, type Manifest, type ModelEntry } from '../../inference/manifest.js';
import type { ModelRunner } from '../../inference/voice/model-runner.js';
import { DEFAULT_LANES, SileroVad } from '../../inference/voice/vad.js';
import { VoiceEmotionModel } from '../../inference/voice/voice-emotion-model.js';
import { decodeAudio16k } from '../../media/audio-decode.js';
import { probeMedia } from '../../media/ffmpeg.js';
import {
  DEFAULT_WINDOW,
  FFT_SIZE,
  FRAME_HOP,
  LOG_FLOOR,
  LOGMEL_BANDS,
  LOGMEL_FMAX_HZ,
  LOGMEL_FMIN_HZ,
  SAMPLE_RATE,
  SPECTRUM_FRAME,
  type WindowParams,
  windowSamples,
} from './params.js';
import { FileVoiceStream } from './file-voice-stream.js';
import { PrecomputedVad } from './precomputed-vad.js';
import { VoiceStream, type VoiceStreamOptions } from './voice-stream.js';
import type { AudioBlock, LiveStream, ProcessRun, Stage } from '../stage.js';

/** Audio decoded ahead of the stream so its VAD can run in lanes: 48 s (8 lanes of ~6 s). */
const SPAN_SECONDS = 48;

/** The inference service, or anything that loads and runs manifest models the same way. */
export type VoiceModelService = ModelRunner & { readonly manifest: Manifest; load(modelId: string): Promise<unknown> };

export interface VoiceAnalyzerOptions {
  window?: WindowParams;
  /** Manifest ids; default: the default model for each task. `emotionModelId: null` runs without a classifier. */
  vadModelId?: string;
  emotionModelId?: string | null;
}

export interface MediaAnalysisOptions extends ProcessRun<VoiceWindowResult> {
  /** Keep every window in the returned list (default true; turn off for very long files stored via onResults). */
  collect?: boolean;
  /** Classify windows without speech too (evaluation diagnostics only). */
  classifyAll?: boolean;
}

/** Audio "frames" are the 10 ms analysis frames, so an audio-only clip still reports a rate. */
const framesIn = (ms: number): number => Math.floor((ms * SAMPLE_RATE) / 1000 / FRAME_HOP);

/** Refuses a log-mel model trained on frames other than the ones this build computes. */
function checkFrontEnd(entry: ModelEntry, model: VoiceEmotionModel): void {
  const fe = model.frontEnd;
  if (!fe) throw new Error(`Model "${entry.id}" (log-mel input) has no frontEnd in models/manifest.json`);
  const ours = { sampleRate: SAMPLE_RATE, frameHop: FRAME_HOP, spectrumFrame: SPECTRUM_FRAME, fftSize: FFT_SIZE, bands: LOGMEL_BANDS, fminHz: LOGMEL_FMIN_HZ, fmaxHz: LOGMEL_FMAX_HZ, logFloor: LOG_FLOOR };
  for (const [k, v] of Object.entries(ours)) {
    if (fe[k as keyof typeof fe] !== v) throw new Error(`Model "${entry.id}" was trained with ${k}=${String(fe[k as keyof typeof fe])}, this build computes ${v}`);
  }
}

/**
 * The voice stage for live blocks and media files: Silero VAD, eGeMAPS-style features and the voice emotion
 * model, all chosen through models/manifest.json and run on the inference service.
 */
export class VoiceAnalyzer implements Stage<'audio', VoiceWindowResult> {
  readonly modality = 'voice';
  readonly source = 'audio' as const;

  private constructor(
    private readonly runner: ModelRunner,
    readonly vadEntry: ModelEntry,
    readonly emotionEntry: ModelEntry | null,
    readonly window: WindowParams,
    readonly notes: readonly string[],
  ) {}

  /**
   * Checks and loads the models. Without a usable emotion model (when none was named) the voice still gives
   * speech and features, with no probabilities, and `notes` says why.
   */
  static async create(svc: VoiceModelService, opts: VoiceAnalyzerOptions = {}): Promise<VoiceAnalyzer> {
    const window = opts.window ?? DEFAULT_WINDOW;
    windowSamples(window);
    const vadEntry = opts.vadModelId ? getModel(svc.manifest, opts.vadModelId) : defaultModelFor(svc.manifest, 'vad');
    new SileroVad(svc, vadEntry);
    let emotionEntry: ModelEntry | null = null;
    const notes: string[] = [];
    if (opts.emotionModelId !== null) {
      try {
        emotionEntry = opts.emotionModelId ? getModel(svc.manifest, opts.emotionModelId) : defaultModelFor(svc.manifest, 'voice-emotion');
        const m = new VoiceEmotionModel(svc, emotionEntry);
        if (m.inputKind === 'logmel') checkFrontEnd(emotionEntry, m);
      } catch (e) {
        if (opts.emotionModelId) throw e;
        emotionEntry = null;
        notes.push(`voice emotion unavailable: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    await svc.load(vadEntry.id);
    if (emotionEntry) await svc.load(emotionEntry.id);
    return new VoiceAnalyzer(svc, vadEntry, emotionEntry, window, notes);
  }

  get modelIds(): readonly string[] {
    return [this.vadEntry.id, ...(this.emotionEntry ? [this.emotionEntry.id] : [])];
  }

  /** One session's microphone: block by block, starting afresh at seq 0 or after a gap. */
  open(): LiveStream<AudioBlock, VoiceWindowResult> {
    let stream: VoiceStream | null = null;
    let nextSeq = 0;
    return {
      push: ({ seq, tStartMs, pcm }) => {
        // seq 0 (a new time base, e.g. recording started) or a gap: a fresh stream, so windows stay on the clock.
        if (seq === 0 || seq !== nextSeq || !stream) stream = this.createStream({ t0Ms: tStartMs, batch: 1 });
        nextSeq = seq + 1;
        return stream.push(pcm);
      },
      finish: async () => (stream ? stream.finish() : []),
    };
  }

  async process(file: string, run: ProcessRun<VoiceWindowResult>): Promise<void> {
    await this.analyzeMediaFile(file, { ...run, collect: false });
  }

  /** A fresh stream (own VAD state); for a live session, one per session, fed block by block. */
  createStream(opts: Omit<VoiceStreamOptions, 'window'> = {}): VoiceStream {
    const vad = new SileroVad(this.runner, this.vadEntry);
    const model = this.emotionEntry ? new VoiceEmotionModel(this.runner, this.emotionEntry) : null;
    return new VoiceStream(vad, model, { window: this.window, ...opts });
  }

  /**
   * A stream for audio that is all there (a file): VAD runs ahead a span at a time in batched lanes
   * (SileroVad with DEFAULT_LANES), then the span goes through the stream; windows classified 8 to a model call.
   */
  createFileStream(opts: Pick<VoiceStreamOptions, 'classifyAll' | 't0Ms'> = {}): FileVoiceStream {
    const vad = new SileroVad(this.runner, this.vadEntry, DEFAULT_LANES);
    const ahead = new PrecomputedVad(vad.frameSamples, vad.sampleRate, vad.threshold);
    const model = this.emotionEntry ? new VoiceEmotionModel(this.runner, this.emotionEntry) : null;
    const stream = new VoiceStream(ahead, model, { window: this.window, batch: 8, coverTail: true, ...opts });
    const spanSamples = Math.round((SPAN_SECONDS * SAMPLE_RATE) / vad.frameSamples) * vad.frameSamples;
    return new FileVoiceStream(vad, ahead, stream, spanSamples);
  }

  /** Analyses one self-contained stretch of 16 kHz mono audio as a single window starting at tStartMs. */
  async analyzeWindow(samples16k: Float32Array, tStartMs: number): Promise<VoiceWindowResult | null> {
    const stream = this.createStream({ t0Ms: tStartMs, singleWindow: true });
    await stream.push(samples16k);
    const [result] = await stream.finish();
    return result ?? null;
  }

  /** Decodes the file's audio track and analyses it window by window as fast as the machine allows. */
  async analyzeMediaFile(file: string, opts: MediaAnalysisOptions = {}): Promise<{ windows: VoiceWindowResult[]; durationMs: number }> {
    let durationMs: number | null = null;
    try {
      durationMs = (await probeMedia(file)).durationMs;
    } catch {
      // The decoder reports unreadable files with a clearer message; progress just has no total.
    }
    const stream = this.createFileStream({ classifyAll: opts.classifyAll });
    const collected: VoiceWindowResult[] = [];
    const deliver = async (all: VoiceWindowResult[]): Promise<void> => {
      // The stream still runs from the start (the VAD state needs the audio before), only delivery is skipped.
      const ws = opts.afterMs === null || opts.afterMs === undefined ? all : all.filter((w) => w.tMs > opts.afterMs!);
      if (!ws.length) return;
      if (opts.collect !== false) collected.push(...ws);
      await opts.onResults?.(ws);
    };
    let reported = 0;
    for await (const block of decodeAudio16k(file, { signal: opts.signal })) {
      if (opts.signal?.aborted) throw new Error('Voice analysis was cancelled');
      await deliver(await stream.push(block));
      if (stream.samples > reported) {
        const doneMs = (stream.samples * 1000) / SAMPLE_RATE;
        opts.onProgress?.({ doneMs, totalMs: durationMs, frames: framesIn(doneMs) });
      }
      reported = stream.samples;
    }
    await deliver(await stream.finish());
    const doneMs = (stream.samples * 1000) / SAMPLE_RATE;
    opts.onProgress?.({ doneMs, totalMs: durationMs ?? doneMs, frames: framesIn(doneMs) });
    return { windows: collected, durationMs: doneMs };
  }
}
