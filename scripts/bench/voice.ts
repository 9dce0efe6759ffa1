/**
 * Voice pipeline speed as a multiple of real time, on one core: frame features + window functionals,
 * Silero VAD, the voice-emotion model, and the whole VoiceStream (offline batching), plus live-mode latency
 * from the end of a window to its result. Audio: espeak-ng sentences (every window has speech, so the model
 * runs on every window: the slow case). ONNX Runtime runs with one intra-op thread; the stages await each
 * other, so the main and inference threads take turns rather than run in parallel. For a strict one-core
 * figure run it as `taskset -c 0 npx tsx scripts/bench/voice.ts`.
 *
 *   npx tsx scripts/bench/voice.ts [--seconds 60]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { featureVector } from '../../src-main/core/analysis/voice/feature-vector.js';
import { framesOf } from '../../src-main/core/analysis/voice/frames-of.js';
import { windowFeatures } from '../../src-main/core/analysis/voice/functionals.js';
import { FRAME_HOP, LOGMEL_BANDS, SAMPLE_RATE, SPECTRUM_FRAME } from '../../src-main/core/analysis/voice/params.js';
import { tone } from '../../src-main/core/analysis/voice/test-signals.js';
import { VoiceAnalyzer } from '../../src-main/core/analysis/voice/voice-analyzer.js';
import { InferenceService } from '../../src-main/core/inference/inference-service.js';
import { defaultModelFor } from '../../src-main/core/inference/manifest.js';
import { DEFAULT_LANES, SileroVad } from '../../src-main/core/inference/voice/vad.js';
import { VoiceEmotionModel } from '../../src-main/core/inference/voice/voice-emotion-model.js';
import { decodeAudio16k } from '../../src-main/core/media/audio-decode.js';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 60;
const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'Please call Stella and ask her to bring these things with her from the store.',
  'I never said she stole my money, but somebody did.',
  'Kids are talking by the door, and the dogs are sitting by the door.',
  'We will meet again tomorrow morning at nine o clock.',
];

async function speech(seconds: number): Promise<{ x: Float32Array; source: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'voice-bench-'));
  try {
    const parts: Float32Array[] = [];
    let n = 0;
    for (let i = 0; n < seconds * SAMPLE_RATE; i++) {
      const file = path.join(dir, `${i % SENTENCES.length}.wav`);
      execFileSync('espeak-ng', ['-s', String(140 + (i % 4) * 15), '-p', String(30 + (i % 5) * 10), '-w', file, SENTENCES[i % SENTENCES.length]]);
      for await (const b of decodeAudio16k(file)) {
        parts.push(b);
        n += b.length;
      }
    }
    const x = new Float32Array(seconds * SAMPLE_RATE);
    let o = 0;
    for (const p of parts) {
      x.set(p.subarray(0, Math.min(p.length, x.length - o)), o);
      o += p.length;
      if (o >= x.length) break;
    }
    return { x, source: 'espeak-ng sentences' };
  } catch {
    return { x: tone(150, seconds), source: 'a 150 Hz tone (espeak-ng not found)' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function best(runs: number, fn: () => Promise<void> | void): Promise<number> {
  let bestMs = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    bestMs = Math.min(bestMs, performance.now() - t);
  }
  return bestMs;
}

const { x, source } = await speech(SECONDS);
const audioMs = (x.length / SAMPLE_RATE) * 1000;
const svc = await InferenceService.start({ provider: 'cpu', intraOpThreads: 1 });
try {
  const analyzer = await VoiceAnalyzer.create(svc);
  const vadEntry = defaultModelFor(svc.manifest, 'vad');
  const emo = new VoiceEmotionModel(svc, analyzer.emotionEntry!);
  await svc.load(vadEntry.id);
  await svc.load(analyzer.emotionEntry!.id);
  const win = 2 * SAMPLE_RATE;
  const hop = SAMPLE_RATE / 2;
  const starts: number[] = [];
  for (let s = 0; s + win <= x.length; s += hop) starts.push(s);
  const frames = framesOf(x);
  const nFrames = Math.floor((win - SPECTRUM_FRAME) / FRAME_HOP) + 1;

  const featuresMs = await best(3, () => {
    const store = framesOf(x);
    for (const s of starts) windowFeatures(store, s / FRAME_HOP, s / FRAME_HOP + nFrames, x.subarray(s, s + win));
  });
  const whole = x.subarray(0, x.length - (x.length % 512));
  const vadFrameMs = await best(3, async () => {
    const vad = new SileroVad(svc, vadEntry);
    for (let i = 0; i < whole.length; i += 512) await vad.probs(whole.slice(i, i + 512));
  });
  const vadBlockMs = await best(3, async () => {
    const vad = new SileroVad(svc, vadEntry);
    for (let i = 0; i < whole.length; i += 8192) await vad.probs(whole.slice(i, Math.min(whole.length, i + 8192)));
  });
  const vadLanesMs = await best(3, async () => {
    const vad = new SileroVad(svc, vadEntry, DEFAULT_LANES);
    const span = 1500 * 512;
    for (let i = 0; i < x.length; i += span) await vad.span(x.slice(i, Math.min(x.length, i + span)));
  });
  const classify = async (batch: number): Promise<void> => {
    for (let i = 0; i < starts.length; i += batch) {
      const group = starts.slice(i, i + batch);
      const data = new Float32Array(group.length * LOGMEL_BANDS * nFrames);
      group.forEach((s, k) => data.set(frames.logMelBlock(s / FRAME_HOP, s / FRAME_HOP + nFrames), k * LOGMEL_BANDS * nFrames));
      if (emo.inputKind === 'logmel') await emo.run(data, [group.length, 1, LOGMEL_BANDS, nFrames]);
      else {
        const feats = group.map((s) => featureVector(windowFeatures(frames, s / FRAME_HOP, s / FRAME_HOP + nFrames, x.subarray(s, s + win)), emo));
        const flat = new Float32Array(feats.length * feats[0].length);
        feats.forEach((f, k) => flat.set(f, k * f.length));
        await emo.run(flat, [feats.length, feats[0].length]);
      }
    }
  };
  const classify1Ms = await best(3, () => classify(1));
  const classify8Ms = await best(3, () => classify(8));
  const streamMs = await best(3, async () => {
    const stream = analyzer.createFileStream();
    for (let i = 0; i < x.length; i += SAMPLE_RATE) await stream.push(x.subarray(i, i + SAMPLE_RATE));
    await stream.finish();
  });
  // Live: 100 ms blocks as the AudioWorklet posts them; latency = time from pushing the block that completes a
  // window until its result (the window end is the last sample of that block).
  const live = analyzer.createStream({ batch: 1 });
  const lat: number[] = [];
  let speechWindows = 0;
  for (let i = 0; i < x.length; i += SAMPLE_RATE / 10) {
    const t = performance.now();
    const out = await live.push(x.subarray(i, i + SAMPLE_RATE / 10));
    if (out.length) lat.push(performance.now() - t);
    speechWindows += out.filter((w) => w.emotion).length;
  }
  lat.sort((a, b) => a - b);
  const rt = (ms: number) => `${(audioMs / ms).toFixed(0)}× real time (${ms.toFixed(0)} ms for ${(audioMs / 1000).toFixed(0)} s)`;
  console.log(`audio: ${(audioMs / 1000).toFixed(0)} s of ${source}; ${starts.length} windows of 2 s every 0.5 s; model ${emo.entry.id}; ORT 1 thread`);
  console.log(`features (frames + window functionals): ${rt(featuresMs)}`);
  console.log(`Silero VAD, one worker call per 32 ms:   ${rt(vadFrameMs)}`);
  console.log(`Silero VAD, one call per 0.5 s (live):  ${rt(vadBlockMs)}`);
  console.log(`Silero VAD, 8 lanes per 48 s (files):   ${rt(vadLanesMs)}`);
  console.log(`classification, batch 1:                ${rt(classify1Ms)}`);
  console.log(`classification, batch 8:                ${rt(classify8Ms)}`);
  console.log(`whole file stream (VAD lanes + features + classification, batch 8): ${rt(streamMs)}`);
  console.log(`live (100 ms blocks, batch 1): ${lat.length} windows (${speechWindows} classified); window end → result p50 ${lat[Math.floor(lat.length / 2)].toFixed(1)} ms, p95 ${lat[Math.floor(lat.length * 0.95)].toFixed(1)} ms, max ${lat[lat.length - 1].toFixed(1)} ms (main-process compute only; IPC not included)`);
} finally {
  await svc.close();
}
