import { describe, expect, it } from 'vitest';
import { letterboxFor, toFramePx, writeLetterboxed } from './letterbox.js';

describe('letterbox', () => {
  it('fits a 640×480 frame into 128×128 centred, averaging each 5×5 footprint, with black bars', () => {
    const W = 640;
    const H = 480;
    const data = new Uint8Array(W * H * 3);
    // Left half red 200, right half blue 100; one bright 5×5 block at the footprint of output pixel (64, 64).
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const p = (y * W + x) * 3;
        if (x < 320) data[p] = 200;
        else data[p + 2] = 100;
      }
    const lb = letterboxFor(W, H, 128);
    expect(lb).toEqual({ scale: 0.2, offsetX: 0, offsetY: 16, size: 128 });
    const out = new Float32Array(128 * 128 * 3);
    writeLetterboxed({ tMs: 0, width: W, height: H, data, channels: 3 }, lb, out, 0, 1, 0);
    const px = (x: number, y: number) => Array.from(out.slice((y * 128 + x) * 3, (y * 128 + x) * 3 + 3));
    expect(px(10, 5)).toEqual([0, 0, 0]);
    expect(px(10, 20)).toEqual([200, 0, 0]);
    expect(px(100, 100)).toEqual([0, 0, 100]);
    expect(px(10, 123)).toEqual([0, 0, 0]);
    // A point in the square maps back to the frame pixel it came from.
    const [fx, fy] = toFramePx(lb, 64 / 128, 64 / 128);
    expect([fx, fy]).toEqual([320, 240]);
  });

  it('handles a portrait RGBA frame with bars at the sides', () => {
    const data = new Uint8Array(90 * 160 * 4).fill(255);
    const lb = letterboxFor(90, 160, 128);
    const out = new Float32Array(128 * 128 * 3);
    writeLetterboxed({ tMs: 0, width: 90, height: 160, data, channels: 4 }, lb, out, 0, 1 / 127.5, -1);
    expect(out[(64 * 128 + 2) * 3]).toBe(-1);
    expect(out[(64 * 128 + 64) * 3]).toBeCloseTo(1, 6);
  });
});
