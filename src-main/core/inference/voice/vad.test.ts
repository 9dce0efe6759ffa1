import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tone, whiteNoise } from '../../analysis/voice/test-signals.js';
import { decodeAudio16k } from '../../media/audio-decode.js';
import { tempDir } from '../../test-support/make-media.js';
import { InferenceService } from '../inference-service.js';
import { defaultModelFor } from '../manifest.js';
import { SileroVad } from './vad.js';

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
  const out: number[] = [];
  for (let i = 0; i + vad.frameSamples <= x.length; i += vad.frameSamples) out.push(await vad.next(x.slice(i, i + vad.frameSamples)));
  return out;
}

/** espeak-ng speech, decoded to 16 kHz by the app's decoder. */
export async function espeak(text: string, file: string): Promise<Float32Array> {
  execFileSync('espeak-ng', ['-v', 'en', '-s', '150', '-w', file, text]);
  const parts: Float32Array[] = [];
  for await (const b of decodeAudio16k(file)) parts.push(b);
  const x = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    x.set(p, o);
    o += p.length;
  }
  return x;
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

  it('refuses frames of the wrong size', async () => {
    const vad = new SileroVad(svc, defaultModelFor(svc.manifest, 'vad'));
    await expect(vad.next(new Float32Array(100))).rejects.toThrow(/512/);
  });
});
