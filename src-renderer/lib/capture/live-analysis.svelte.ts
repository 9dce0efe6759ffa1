/**
 * Live analysis for the Capture view: samples the preview <video> at 10 Hz into face.analyzeFrames (one
 * request in flight, frames dropped rather than queued), streams the microphone as 16 kHz blocks into
 * voice.block, and keeps the latest results plus honest latency figures as reactive state.
 *
 * Time base: ms from the preview start until recording begins, then ms from the MediaRecorder start, so the
 * rows the core stores while recording line up with the recorded file. Analysis failures become quiet warnings;
 * they never touch the recording.
 */
import { tick } from 'svelte';
import type { FrameFaces } from '../../../src-shared/contract/face.js';
import { VOICE_SAMPLE_RATE, type VoiceWindowResult } from '../../../src-shared/contract/voice.js';
import { api } from '../api/client.js';
import { startMicPcm, type MicPcmBlock, type MicPcmStream } from '../audio/mic-pcm-stream.js';
import { errorMessage } from '../ui/errors.js';
import { t } from '../i18n/i18n.js';
import { FrameSampler, type SampledFrame } from '../vision/frame-sampler.js';
import { LatencyWindow, rateHz, type LatencySummary } from './latency-window.js';

export const FACE_RATE_HZ = 10;
/** A face result older than this no longer describes what is on screen. */
const FACE_STALE_MS = 1000;
const VOICE_STALE_MS = 2500;
/** How much voice history the panel keeps. */
const VOICE_SPAN_MS = 12_000;
/** After a failed request, wait this long before asking again (e.g. models missing): no error storm. */
const RETRY_AFTER_MS = 2000;
/** Blocks waiting to be sent; beyond this the core is behind and the voice stream restarts fresh. */
const MAX_VOICE_QUEUE = 20;

export interface FaceStats {
  analysed: number;
  withFace: number;
  hz: number;
  latency: LatencySummary;
}

interface QueuedBlock {
  seq: number;
  tStartMs: number;
  pcm: Float32Array;
  /** On the recording's clock: the core stores only these. */
  recordingClock: boolean;
}

/** The bytes of a typed array as the contract's Uint8Array (no copy unless the memory is shared). */
function bytesOf(v: ArrayBufferView): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return bytes.buffer instanceof ArrayBuffer ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class LiveAnalysis {
  face = $state.raw<FrameFaces | null>(null);
  faceStale = $state(false);
  faceStats = $state.raw<FaceStats>({ analysed: 0, withFace: 0, hz: 0, latency: { count: 0, medianMs: null, p95Ms: null } });
  faceWarning = $state<string | null>(null);

  voiceWindows = $state.raw<VoiceWindowResult[]>([]);
  voiceStale = $state(false);
  voiceLatency = $state.raw<LatencySummary>({ count: 0, medianMs: null, p95Ms: null });
  voiceWarning = $state<string | null>(null);

  private stopped = false;
  /** Set once the recording has started: from then on every time is on the recording's clock. */
  private onRecordingClock = false;
  /** performance.now() of media time 0. */
  private originPerf = performance.now();
  /** Bumped when the time base changes; results of an older epoch are dropped. */
  private epoch = 0;

  private sampler: FrameSampler | null = null;
  private lastGrabPerf = 0;
  private readonly faceLatency = new LatencyWindow();
  private readonly faceTimes: number[] = [];
  private analysed = 0;
  private withFace = 0;
  private lastFacePerf = 0;

  private mic: MicPcmStream | null = null;
  /** performance.now() − AudioContext time (ms). */
  private ctxToPerf = 0;
  private voiceRestart = true;
  private voiceSeq = 0;
  private voiceT0 = 0;
  private voiceSamplesSent = 0;
  private nextSampleIndex = -1;
  private readonly voiceQueue: QueuedBlock[] = [];
  private voiceSending = false;
  private voiceRetryAt = 0;
  private readonly voiceLatencyWindow = new LatencyWindow();
  private lastVoicePerf = 0;

  private offWindow: (() => void) | null = null;
  private staleTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: { sessionId: number; video: HTMLVideoElement; stream: MediaStream }) {}

  /** Media time (ms) of a performance.now() instant. */
  private mediaMs(perf: number): number {
    return perf - this.originPerf;
  }

  /** The performance.now() instant of a media time on the current clock (the preview matches results by it). */
  perfOfMediaMs(tMs: number): number {
    return this.originPerf + tMs;
  }

  start(): void {
    this.originPerf = performance.now();
    this.startSampler();

    this.offWindow = api.on('voice.window', (p) => {
      if (p.sessionId === this.opts.sessionId) this.onVoiceWindow(p.result);
    });
    void this.startVoice();

    this.staleTimer = setInterval(() => {
      const now = performance.now();
      this.faceStale = this.face !== null && now - this.lastFacePerf > FACE_STALE_MS;
      this.voiceStale = this.voiceWindows.length > 0 && now - this.lastVoicePerf > VOICE_STALE_MS;
      this.faceStats = { ...this.faceStats, hz: rateHz(this.faceTimes, now) };
    }, 250);
  }

  /** A sampler per time base: its rate schedule runs on the frame clock, which jumps back when recording starts. */
  private startSampler(): void {
    this.sampler?.stop();
    this.sampler = new FrameSampler(this.opts.video, {
      rateHz: FACE_RATE_HZ,
      // Read once per grabbed frame, just before drawing it: the capture instant the latency is measured from.
      clock: () => {
        this.lastGrabPerf = performance.now();
        return Math.max(0, this.mediaMs(this.lastGrabPerf));
      },
      onFrame: (f) => this.analyseFrame(f),
      onError: (e) => (this.faceWarning = t('capture.faceUnavailable', { error: errorMessage(e) })),
    });
    this.sampler.start();
  }

  /** The recording started at `startPerf` (performance.now()): media time 0 from now on; voice restarts at 0. */
  beginRecording(startPerf: number): void {
    this.originPerf = startPerf;
    this.epoch++;
    this.voiceRestart = true;
    this.voiceQueue.length = 0;
    this.voiceWindows = [];
    this.onRecordingClock = true;
    if (!this.stopped) this.startSampler();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.sampler?.stop();
    this.sampler = null;
    this.offWindow?.();
    this.offWindow = null;
    if (this.staleTimer) clearInterval(this.staleTimer);
    this.staleTimer = null;
    this.voiceQueue.length = 0;
    const mic = this.mic;
    this.mic = null;
    await mic?.stop().catch(() => undefined);
  }

  // ---- face -------------------------------------------------------------------------------------------

  private async analyseFrame(frame: SampledFrame): Promise<void> {
    if (this.stopped) return;
    const grabPerf = this.lastGrabPerf;
    const epoch = this.epoch;
    // Frames are flagged with the clock they were timed on: a preview frame in flight when recording starts is
    // analysed but never stored under the recording's time axis.
    const request = api.call('face.analyzeFrames', {
      sessionId: this.opts.sessionId,
      frames: [{ ...frame, rgba: bytesOf(frame.rgba) }],
      recordingClock: this.onRecordingClock,
    });
    let results: FrameFaces[];
    try {
      results = (await request).results;
    } catch (e) {
      if (this.stopped) return;
      this.face = null;
      this.faceWarning = t('capture.faceUnavailable', { error: errorMessage(e) });
      // Keeps the sampler busy, so frames are skipped instead of failing ten times a second.
      await sleep(RETRY_AFTER_MS);
      return;
    }
    const result = results[results.length - 1];
    if (this.stopped || epoch !== this.epoch || !result) return;
    this.faceWarning = null;
    this.face = result;
    this.faceStale = false;
    this.analysed++;
    if (result.faces.length) this.withFace++;
    const now = performance.now();
    this.lastFacePerf = now;
    this.faceTimes.push(now);
    if (this.faceTimes.length > 100) this.faceTimes.shift();
    this.faceStats = { analysed: this.analysed, withFace: this.withFace, hz: rateHz(this.faceTimes, now), latency: this.faceLatency.summary() };
    // On screen: the DOM holds the new boxes, and the next frame that paints them has begun.
    await tick();
    requestAnimationFrame(() => {
      if (this.stopped) return;
      this.faceLatency.add(performance.now() - grabPerf);
      this.faceStats = { ...this.faceStats, latency: this.faceLatency.summary() };
    });
  }

  // ---- voice ------------------------------------------------------------------------------------------

  private async startVoice(): Promise<void> {
    try {
      const mic = await startMicPcm(this.opts.stream, (b) => this.onBlock(b));
      if (this.stopped) {
        await mic.stop();
        return;
      }
      this.mic = mic;
      const ts = mic.context.getOutputTimestamp?.();
      this.ctxToPerf =
        ts && ts.performanceTime && ts.contextTime !== undefined ? ts.performanceTime - ts.contextTime * 1000 : performance.now() - mic.nowMs();
    } catch (e) {
      if (!this.stopped) this.voiceWarning = t('capture.voiceUnavailable', { error: errorMessage(e) });
    }
  }

  private onBlock(b: MicPcmBlock): void {
    if (this.stopped || !this.mic) return;
    const startMs = this.mediaMs(b.contextMs + this.ctxToPerf);
    const gap = this.nextSampleIndex >= 0 && b.sampleIndex !== this.nextSampleIndex;
    this.nextSampleIndex = b.sampleIndex + b.pcm.length;
    let pcm = b.pcm;
    if (this.voiceRestart || gap) {
      const durMs = (pcm.length * 1000) / VOICE_SAMPLE_RATE;
      if (startMs + durMs <= 0) return; // wholly before the recording started
      // Cut the block at media time 0, so the stream starts exactly with the recording.
      const skip = startMs < 0 ? Math.round((-startMs * VOICE_SAMPLE_RATE) / 1000) : 0;
      pcm = pcm.slice(skip);
      this.voiceRestart = false;
      this.voiceSeq = 0;
      this.voiceT0 = Math.max(0, startMs);
      this.voiceSamplesSent = 0;
      this.voiceQueue.length = 0;
    }
    if (!pcm.length) return;
    if (performance.now() < this.voiceRetryAt) {
      // The core refused recently (e.g. no voice model): skip, and restart cleanly when it is retried.
      this.voiceRestart = true;
      return;
    }
    const tStartMs = this.voiceT0 + (this.voiceSamplesSent * 1000) / VOICE_SAMPLE_RATE;
    this.voiceQueue.push({ seq: this.voiceSeq++, tStartMs, pcm, recordingClock: this.onRecordingClock });
    this.voiceSamplesSent += pcm.length;
    if (this.voiceQueue.length > MAX_VOICE_QUEUE) {
      // The core is behind: drop the backlog and start a fresh stream at the next block instead of lagging.
      this.voiceQueue.length = 0;
      this.voiceRestart = true;
      return;
    }
    void this.pumpVoice();
  }

  /** Sends queued blocks one at a time, so the core receives them in seq order. */
  private async pumpVoice(): Promise<void> {
    if (this.voiceSending) return;
    this.voiceSending = true;
    try {
      while (!this.stopped && this.voiceQueue.length) {
        const blk = this.voiceQueue.shift()!;
        try {
          await api.call('voice.block', {
            sessionId: this.opts.sessionId,
            seq: blk.seq,
            tStartMs: blk.tStartMs,
            sampleRate: VOICE_SAMPLE_RATE,
            pcm: bytesOf(blk.pcm),
            recordingClock: blk.recordingClock,
          });
          this.voiceWarning = null;
        } catch (e) {
          if (this.stopped) return;
          this.voiceWarning = t('capture.voiceUnavailable', { error: errorMessage(e) });
          this.voiceQueue.length = 0;
          this.voiceRestart = true;
          this.voiceRetryAt = performance.now() + RETRY_AFTER_MS;
        }
      }
    } finally {
      this.voiceSending = false;
    }
  }

  private onVoiceWindow(r: VoiceWindowResult): void {
    if (this.stopped) return;
    const now = performance.now();
    const endMs = r.tMs + r.durMs;
    // A window from before the last restart (preview clock) can end "in the future" of the new clock.
    if (endMs > this.mediaMs(now) + 500) return;
    this.lastVoicePerf = now;
    this.voiceStale = false;
    this.voiceLatencyWindow.add(now - (this.originPerf + endMs));
    this.voiceLatency = this.voiceLatencyWindow.summary();
    const keepFrom = endMs - VOICE_SPAN_MS;
    this.voiceWindows = [...this.voiceWindows.filter((w) => w.tMs + w.durMs >= keepFrom && w.tMs < r.tMs), r];
  }
}
