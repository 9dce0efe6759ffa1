import { describe, expect, it } from 'vitest';
import { cropGeometry, cropGray, eyeRoll, laplacianVariance } from './align-crop.js';
import type { PixelFrame } from '../../inference/face/frame.js';

const W = 320;
const H = 240;
const GRAY: [number, number, number] = [0.2989, 0.587, 0.114];

/** A white frame with a dark bar through (160, 120), tilted by `deg` degrees (clockwise in image coordinates). */
function tiltedBar(deg: number): PixelFrame {
  const a = (deg * Math.PI) / 180;
  const data = new Uint8Array(W * H * 3).fill(255);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      // Distance from the bar's centre line.
      const d = -(x - 160) * Math.sin(a) + (y - 120) * Math.cos(a);
      if (Math.abs(d) < 6) data.fill(0, 3 * (y * W + x), 3 * (y * W + x) + 3);
    }
  return { tMs: 0, width: W, height: H, data, channels: 3 };
}

describe('aligned face crop', () => {
  it('measures roll from the eye keypoints and rotates the crop upright', () => {
    const frame = tiltedBar(25);
    const a = (25 * Math.PI) / 180;
    const eyes: Array<[number, number]> = [
      [160 - 40 * Math.cos(a), 120 - 40 * Math.sin(a)],
      [160 + 40 * Math.cos(a), 120 + 40 * Math.sin(a)],
    ];
    // Eyes in either order give the same roll.
    expect((eyeRoll(eyes[1], eyes[0]) * 180) / Math.PI).toBeCloseTo(25, 6);
    expect((eyeRoll(eyes[0], eyes[1]) * 180) / Math.PI).toBeCloseTo(25, 6);
    const lm = { rightEye: eyes[0], leftEye: eyes[1], mouth: [160, 170] as [number, number] };
    const g = cropGeometry({ x: 110, y: 70, w: 100, h: 100 }, lm, { margin: 0, shiftY: 0 });
    expect([g.cx, g.cy, g.side]).toEqual([160, 120, 100]);
    const out = new Float32Array(64 * 64);
    cropGray(frame, g, 64, GRAY, out);
    // Upright: the bar is a horizontal band in the middle rows, white above and below, across the whole width.
    const row = (y: number) => out.slice(y * 64, y * 64 + 64);
    expect(Math.max(...row(32))).toBeLessThan(60);
    expect(Math.min(...row(10))).toBeGreaterThan(200);
    expect(Math.min(...row(54))).toBeGreaterThan(200);
    // Without alignment the same crop cuts the bar diagonally, so the middle row is partly white.
    cropGray(frame, { ...g, angle: 0 }, 64, GRAY, out);
    expect(Math.max(...row(32))).toBeGreaterThan(200);
  });

  it('enlarges the box by the margin and shifts along the tilted face axis', () => {
    const lm = { rightEye: [0, 0] as [number, number], leftEye: [10, 10] as [number, number], mouth: [0, 10] as [number, number] };
    const g = cropGeometry({ x: 0, y: 0, w: 100, h: 80 }, lm, { margin: 0.2, shiftY: 0.1 });
    expect(g.side).toBeCloseTo(120, 9);
    expect((g.angle * 180) / Math.PI).toBeCloseTo(45, 9);
    // 8 px "down" the face, which is turned by 45 degrees: left and down in the image.
    expect(g.cx).toBeCloseTo(50 - 8 * Math.SQRT1_2, 9);
    expect(g.cy).toBeCloseTo(40 + 8 * Math.SQRT1_2, 9);
  });

  it('scores a blurred crop as less sharp than the same crop sharp', () => {
    const sharp = new Float32Array(64 * 64);
    cropGray(tiltedBar(10), { cx: 160, cy: 120, side: 100, angle: 0 }, 64, GRAY, sharp);
    const blurred = new Float32Array(64 * 64);
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) {
        let s = 0;
        let n = 0;
        for (let dy = -2; dy <= 2; dy++)
          for (let dx = -2; dx <= 2; dx++) {
            const yy = Math.min(63, Math.max(0, y + dy));
            const xx = Math.min(63, Math.max(0, x + dx));
            s += sharp[yy * 64 + xx];
            n++;
          }
        blurred[y * 64 + x] = s / n;
      }
    expect(laplacianVariance(blurred, 0, 64)).toBeLessThan(laplacianVariance(sharp, 0, 64) / 4);
  });
});
