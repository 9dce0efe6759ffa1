import { describe, expect, it } from 'vitest';
import { downmix, Resampler16k } from './resample-16k.js';
import { concatFloat32 } from '../../../src-shared/float32.js';

function sine(rate: number, hz: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate));
}

/** Feeds in 128-sample render quanta, as the AudioWorklet does. */
function run(rate: number, x: Float32Array): Float32Array {
  const r = new Resampler16k(rate);
  const parts: Float32Array[] = [];
  for (let i = 0; i < x.length; i += 128) parts.push(r.process(x.subarray(i, i + 128)));
  return concatFloat32(parts);
}

const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

describe('Resampler16k', () => {
  for (const rate of [48000, 44100]) {
    it(`keeps a 1 kHz tone at ${rate} Hz: 16 samples per period, level and length`, () => {
      const y = run(rate, sine(rate, 1000, 1));
      expect(Math.abs(y.length - 16000)).toBeLessThan(40);
      const mid = y.subarray(1000, 15000);
      expect(rms(mid)).toBeCloseTo(Math.SQRT1_2, 2);
      // Against the ideal 16 kHz sine at the same phase (the filter is symmetric, so no delay beyond the start).
      const lag = 0;
      let err = 0;
      for (let i = 1000; i < 15000; i++) err = Math.max(err, Math.abs(y[i] - Math.sin((2 * Math.PI * 1000 * (i + lag)) / 16000)));
      expect(err).toBeLessThan(0.02);
    });
  }

  it('keeps tones above 8 kHz out (no aliasing into the speech band): 12 kHz is attenuated by more than 40 dB', () => {
    const y = run(48000, sine(48000, 12000, 1));
    expect(20 * Math.log10(rms(y.subarray(1000, 15000)) / Math.SQRT1_2)).toBeLessThan(-40);
  });

  it('gives the same output whatever the block sizes', () => {
    const x = sine(48000, 440, 0.2);
    const a = run(48000, x);
    const r = new Resampler16k(48000);
    const b = Float32Array.from([...r.process(x.subarray(0, 1000)), ...r.process(x.subarray(1000, 1001)), ...r.process(x.subarray(1001))]);
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
  });

  it('averages channels to mono', () => {
    const out = downmix([Float32Array.of(1, 0), Float32Array.of(0, 1)], new Float32Array(2));
    expect([...out]).toEqual([0.5, 0.5]);
  });
});
