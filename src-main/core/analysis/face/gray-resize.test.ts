import { describe, expect, it } from 'vitest';
import { resizeArea } from './gray-resize.js';

describe('resizeArea', () => {
  it('averages whole blocks at 2:1 and keeps a flat image flat at 64 → 48', () => {
    const src = Float32Array.from([1, 3, 10, 20, 5, 7, 30, 40, 0, 0, 8, 8, 0, 4, 8, 8]);
    const out = new Float32Array(4);
    resizeArea(src, 4, 2, out);
    expect([...out]).toEqual([4, 25, 1, 8]);
    const flat = new Float32Array(64 * 64).fill(117);
    const small = new Float32Array(48 * 48);
    resizeArea(flat, 64, 48, small);
    for (const v of small) expect(v).toBeCloseTo(117, 4);
  });

  it('keeps the mean of any image at 64 → 48 (every input pixel counted once)', () => {
    const src = Float32Array.from({ length: 64 * 64 }, (_, i) => (i * 7919) % 255);
    const out = new Float32Array(48 * 48);
    resizeArea(src, 64, 48, out);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out)).toBeCloseTo(mean(src), 3);
  });

  it('refuses to enlarge', () => {
    expect(() => resizeArea(new Float32Array(16), 4, 8, new Float32Array(64))).toThrow(/only shrinks/);
  });
});
