import { describe, expect, it } from 'vitest';
import { METER_FLOOR_DB, rmsDbfs } from './level-meter.js';

const sine = (amplitude: number, n = 4800, freq = 440, rate = 48000) =>
  Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * freq * i) / rate));

describe('rmsDbfs', () => {
  it('reads a full-scale sine at about -3 dBFS and a half-scale one 6 dB lower', () => {
    expect(rmsDbfs(sine(1))).toBeCloseTo(-3.01, 1);
    expect(rmsDbfs(sine(0.5))).toBeCloseTo(-9.03, 1);
  });

  it('reads a full-scale square wave at 0 dBFS', () => {
    expect(rmsDbfs(Float32Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : -1)))).toBeCloseTo(0, 5);
  });

  it('reads silence and empty input as the floor, not -Infinity', () => {
    expect(rmsDbfs(new Float32Array(512))).toBe(METER_FLOOR_DB);
    expect(rmsDbfs(new Float32Array(0))).toBe(METER_FLOOR_DB);
    expect(rmsDbfs(sine(1e-7))).toBe(METER_FLOOR_DB);
  });
});
