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

/** Audio decoded ahead of the stream so its VAD can run in lanes: 48 s (8 lanes of ~6 s). */
const SPAN_SECONDS = 48;

export interface VoiceAnalyzerOptions {
  /** The inference service (or anything with its run()). */
  runner: ModelRunner;
  manifest: Manifest;
  window?: WindowParams;
  /** Manifest ids; default: the default model for each task. `emotionModelId: null` runs without a classifier. */
  vadModelId?: string;
  emotionModelId?: string | null;
}

export interface MediaAnalysisOptions {
  signal?: AbortSignal;
  /** Called as decoding proceeds: media ms analysed so far, and the media duration when known. */
  onProgress?: (doneMs: number, durationMs: number | null) => void;
  /** Called with each batch of finished windows (e.g. to store them), in time order. */
  onWindows?: (windows: VoiceWindowResult[]) => void | Promise<void>;
  /** Keep every window in the returned list (default true; turn off for very long files stored via onWindows). */
  collect?: boolean;
  /** Classify windows without speech too (evaluation diagnostics only). */
  classifyAll?: boolean;
  /** Resuming a run: windows starting at or before this media time are already stored and are not delivered. */
  afterMs?: number | null;
}

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
 * Voice analysis for live blocks and media files: Silero VAD, eGeMAPS-style features and the voice emotion
 * model, all chosen through models/manifest.json and run on the inference service.
 */
export class VoiceAnalyzer {
  private constructor(
    private readonly runner: ModelRunner,
    readonly vadEntry: ModelEntry,
    readonly emotionEntry: ModelEntry | null,
    readonly window: WindowParams,
  ) {}

  static create(opts: VoiceAnalyzerOptions): VoiceAnalyzer {
    const window = opts.window ?? DEFAULT_WINDOW;
    windowSamples(window);
    const vadEntry = opts.vadModelId ? getModel(opts.manifest, opts.vadModelId) : defaultModelFor(opts.manifest, 'vad');
    let emotionEntry: ModelEntry | null = null;
    if (opts.emotionModelId !== null) {
      emotionEntry = opts.emotionModelId ? getModel(opts.manifest, opts.emotionModelId) : defaultModelFor(opts.manifest, 'voice-emotion');
      const m = new VoiceEmotionModel(opts.runner, emotionEntry);
      if (m.inputKind === 'logmel') checkFrontEnd(emotionEntry, m);
    }
    new SileroVad(opts.runner, vadEntry);
    return new VoiceAnalyzer(opts.runner, vadEntry, emotionEntry, window);
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
      await opts.onWindows?.(ws);
    };
    let reported = 0;
    for await (const block of decodeAudio16k(file, { signal: opts.signal })) {
      if (opts.signal?.aborted) throw new Error('Voice analysis was cancelled');
      await deliver(await stream.push(block));
      if (stream.samples > reported) opts.onProgress?.((stream.samples * 1000) / SAMPLE_RATE, durationMs);
      reported = stream.samples;
    }
    await deliver(await stream.finish());
    const doneMs = (stream.samples * 1000) / SAMPLE_RATE;
    opts.onProgress?.(doneMs, durationMs ?? doneMs);
    return { windows: collected, durationMs: doneMs };
  }
}
