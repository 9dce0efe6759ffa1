import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tone, whiteNoise } from '../../analysis/voice/test-signals.js';
import { decodeAudio16kWhole } from '../../media/audio-decode.js';
import { tempDir } from '../../test-support/make-media.js';
import { InferenceService } from '../inference-service.js';
import { defaultModelFor } from '../manifest.js';
import { existsSync, readdirSync } from 'node:fs';
import { MIN_SPEECH_RATIO } from '../../analysis/voice/voice-stream.js';
import { DEFAULT_LANES, SileroVad } from './vad.js';

let svc: InferenceService;
const dir = tempDir('affect-vad-');

beforeAll(async () => {
  svc = await InferenceService.start({ provider: 'cpu', intraOpThreads: 1 });
});
afterAll(async () => {
  await svc?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function probs(x: Float32Array): Promise<number[]> {
  const vad = new SileroVad(svc, defaultModelFor(svc.manifest, 'vad'));
  return [...(await vad.probs(x.subarray(0, x.length - (x.length % vad.frameSamples))))];
}

/** Real speech with pauses: RAVDESS clips back to back when ../shared is there, else espeak-ng sentences. */
async function longSpeech(seconds: number): Promise<{ x: Float32Array; source: string }> {
  const ravdess = path.resolve('../shared/data/ravdess-speech/Actor_18');
  const parts: Float32Array[] = [];
  let n = 0;
  let source = 'espeak-ng sentences with pauses';
  if (existsSync(ravdess)) {
    source = 'RAVDESS Actor_18 clips';
    for (const f of readdirSync(ravdess).sort()) {
      if (n >= seconds * 16000) break;
      const x = await decodeAudio16kWhole(path.join(ravdess, f));
      parts.push(x);
      n += x.length;
    }
  } else {
    const lines = ['Please call Stella and ask her to bring these things.', 'We will meet again tomorrow morning.', 'I never said she stole my money.'];
    for (let i = 0; n < seconds * 16000; i++) {
      const x = await espeak(lines[i % lines.length], path.join(dir, `l${i % lines.length}.wav`));
      parts.push(x, new Float32Array(8000 + (i % 3) * 8000));
      n += x.length + 8000 + (i % 3) * 8000;
    }
  }
  const x = new Float32Array(seconds * 16000);
  let o = 0;
  for (const p of parts) {
    if (o >= x.length) break;
    x.set(p.subarray(0, x.length - o), o);
    o += p.length;
  }
  return { x, source };
}

/** espeak-ng speech, decoded to 16 kHz by the app's decoder. */
export async function espeak(text: string, file: string): Promise<Float32Array> {
  execFileSync('espeak-ng', ['-v', 'en', '-s', '150', '-w', file, text]);
  return decodeAudio16kWhole(file);
}

describe('Silero VAD (real model)', () => {
  it('hears no speech in digital silence, a steady tone or low noise', async () => {
    for (const x of [new Float32Array(32000), tone(440, 2, 0.2), whiteNoise(2, 0.01)]) {
      expect(Math.max(...(await probs(x)))).toBeLessThan(0.5);
    }
  });

  it('hears speech in an espeak-ng utterance', async () => {
    const x = await espeak('The quick brown fox jumps over the lazy dog, and then it runs away.', path.join(dir, 'say.wav'));
    const p = await probs(x);
    const speechy = p.filter((v) => v >= 0.5).length / p.length;
    expect(speechy).toBeGreaterThan(0.5);
  });

  it('refuses input that is not whole frames', async () => {
    const vad = new SileroVad(svc, defaultModelFor(svc.manifest, 'vad'));
    await expect(vad.probs(new Float32Array(100))).rejects.toThrow(/512/);
  });

  it('gives the same probabilities in one call as frame by frame (state and context carried)', async () => {
    const { x } = await longSpeech(6);
    const entry = defaultModelFor(svc.manifest, 'vad');
    const whole = await new SileroVad(svc, entry).probs(x.subarray(0, 150 * 512));
    const vad = new SileroVad(svc, entry);
    const framewise: number[] = [];
    for (let i = 0; i < 150; i++) framewise.push((await vad.probs(x.slice(i * 512, (i + 1) * 512)))[0]);
    for (let i = 0; i < 150; i++) expect(whole[i]).toBeCloseTo(framewise[i], 5);
    expect(Math.max(...whole)).toBeGreaterThan(0.5);
  });

  it('in lanes over a long file, keeps the first lane exact and the speech decisions of windows', async () => {
    const { x, source } = await longSpeech(150);
    const entry = defaultModelFor(svc.manifest, 'vad');
    const seq = await new SileroVad(svc, entry).probs(x.subarray(0, x.length - (x.length % 512)));
    const laned = new SileroVad(svc, entry, DEFAULT_LANES);
    // Spans of 48 s as the file stream feeds them; the last one ends mid-frame.
    const lanedProbs: number[] = [];
    const span = 1500 * 512;
    for (let s = 0; s < x.length; s += span) lanedProbs.push(...(await laned.span(x.slice(s, Math.min(x.length, s + span)))));
    expect(lanedProbs.length).toBe(Math.ceil(x.length / 512));
    for (let i = 0; i < 200; i++) expect(lanedProbs[i]).toBeCloseTo(seq[i], 5);

    // Silero's LSTM remembers tens of seconds, so a lane that starts from zero state (like a run restarted
    // anywhere) moves some near-threshold frames across 0.5; what the user sees is the window's speech flag.
    let frameFlips = 0;
    for (let i = 0; i < seq.length; i++) if (seq[i] >= 0.5 !== lanedProbs[i] >= 0.5) frameFlips++;
    const speechRatio = (p: ArrayLike<number>, w: number) => {
      let above = 0;
      for (let j = w * 16; j < w * 16 + 62; j++) if (p[j] >= 0.5) above++;
      return above / 62;
    };
    const windows = Math.floor((seq.length - 62) / 16);
    const flipped: number[] = [];
    let speechWindows = 0;
    for (let w = 0; w < windows; w++) {
      const [a, b] = [speechRatio(seq, w), speechRatio(lanedProbs, w)];
      if (a >= MIN_SPEECH_RATIO !== b >= MIN_SPEECH_RATIO) flipped.push(a);
      if (a >= MIN_SPEECH_RATIO) speechWindows++;
    }
    console.log(
      `laned vs sequential VAD, ${source}: ${frameFlips}/${seq.length} frames and ${flipped.length}/${windows} windows decided differently; ` +
        `sequential speech ratio of those windows: ${flipped.map((r) => r.toFixed(2)).join(', ')}`,
    );
    expect(speechWindows / windows).toBeGreaterThan(0.5);
    expect(frameFlips / seq.length).toBeLessThan(0.05);
    expect(flipped.length / windows).toBeLessThan(0.03);
    // Only windows at the edge of the cut-off change: never a clearly silent or clearly spoken one.
    for (const r of flipped) expect(Math.abs(r - MIN_SPEECH_RATIO)).toBeLessThanOrEqual(0.1);
    // 150 s of audio through the model twice: seconds on an idle machine, over a minute on a loaded one.
  }, 300_000);
});
