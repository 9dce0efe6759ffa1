import { describe, expect, it } from 'vitest';
import type { PixelFrame } from './frame.js';
import { meshToFrame, roiFromDetection, writeRoiRgb } from './mesh-roi.js';

const W = 320;
const H = 240;

/** A frame of smooth gradients plus texture, as RGB and as the same pixels in RGBA. */
function frames(): { rgb: PixelFrame; rgba: PixelFrame } {
  const rgb = new Uint8Array(W * H * 3);
  const rgba = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const px = [(x * 255) / W, (y * 255) / H, ((x * 7 + y * 13) % 31) * 8].map(Math.round);
      rgb.set(px, (y * W + x) * 3);
      rgba.set([...px, 255], (y * W + x) * 4);
    }
  return { rgb: { tMs: 0, width: W, height: H, data: rgb, channels: 3 }, rgba: { tMs: 0, width: W, height: H, data: rgba, channels: 4 } };
}

const SIZE = 32;
const render = (f: PixelFrame, roi: Parameters<typeof writeRoiRgb>[1]) => {
  const out = new Float32Array(SIZE * SIZE * 3);
  writeRoiRgb(f, roi, SIZE, out, 0, 1, 0);
  return out;
};

describe('mesh region sampling', () => {
  it('matches a plain bilinear reference inside and across the frame edges, RGB or RGBA, at every supersampling factor', () => {
    const { rgb, rgba } = frames();
    const f = rgb.data;
    const px = (x: number, y: number, c: number) => f[(Math.min(H - 1, Math.max(0, y)) * W + Math.min(W - 1, Math.max(0, x))) * 3 + c];
    // The sample at (x, y) in index coordinates, the point clamped to the frame and taps beyond it repeating the edge.
    const bilinear = (x: number, y: number, c: number) => {
      const cx = Math.min(W - 1, Math.max(0, x));
      const cy = Math.min(H - 1, Math.max(0, y));
      const x0 = Math.floor(cx);
      const y0 = Math.floor(cy);
      const fx = cx - x0;
      const fy = cy - y0;
      return px(x0, y0, c) * (1 - fx) * (1 - fy) + px(x0 + 1, y0, c) * fx * (1 - fy) + px(x0, y0 + 1, c) * (1 - fx) * fy + px(x0 + 1, y0 + 1, c) * fx * fy;
    };
    const reference = (roi: { cx: number; cy: number; side: number; angle: number }) => {
      const k = Math.max(1, Math.min(3, Math.floor(roi.side / SIZE)));
      const d = roi.side / (SIZE * k);
      const out = new Float32Array(SIZE * SIZE * 3);
      for (let v = 0; v < SIZE; v++)
        for (let u = 0; u < SIZE; u++)
          for (let c = 0; c < 3; c++) {
            let sum = 0;
            for (let j = v * k; j < (v + 1) * k; j++)
              for (let i = u * k; i < (u + 1) * k; i++) {
                const a = -roi.side / 2 + d / 2 + i * d;
                const b = -roi.side / 2 + d / 2 + j * d;
                sum += bilinear(roi.cx + Math.cos(roi.angle) * a - Math.sin(roi.angle) * b - 0.5, roi.cy + Math.sin(roi.angle) * a + Math.cos(roi.angle) * b - 0.5, c);
              }
            out[(v * SIZE + u) * 3 + c] = sum / (k * k);
          }
      return out;
    };
    // Sides 40, 70 and 110 at 32 px: one, two and three samples per output pixel along each axis; turned 0.3 rad;
    // in the middle of the frame, over its top-left corner and over its bottom-right corner.
    for (const side of [40, 70, 110])
      for (const [cx, cy] of [[160, 120], [10, 5], [310, 235]]) {
        const roi = { cx, cy, side, angle: 0.3 };
        const want = reference(roi);
        const got = render(rgb, roi);
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-3);
        expect(Array.from(render(rgba, roi))).toEqual(Array.from(got));
      }
  });

  it('repeats the edge outside the frame', () => {
    const { rgb } = frames();
    // A region centred on the left edge: its left half lies outside, where the first column repeats.
    const out = render(rgb, { cx: 0, cy: 120, side: 32, angle: 0 });
    const red = (u: number, v: number) => out[(v * SIZE + u) * 3];
    expect(red(2, 16)).toBe(0);
    expect(red(10, 16)).toBe(0);
    expect(red(30, 16)).toBeGreaterThan(10);
  });

  it('averages a fine pattern when the face is large rather than picking every other pixel', () => {
    // Columns alternating 0 / 200: a region of 64 px at 32 px averages each pair to 100.
    const data = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x += 2) data.fill(200, (y * W + x) * 3, (y * W + x) * 3 + 3);
    const out = render({ tMs: 0, width: W, height: H, data, channels: 3 }, { cx: 160, cy: 120, side: 64, angle: 0 });
    for (const u of [3, 16, 28]) expect(out[(16 * SIZE + u) * 3]).toBeCloseTo(100, 6);
  });

  it('maps the model input back to frame pixels through the region (centre, rotation, scale)', () => {
    const roi = roiFromDetection({ x: 100, y: 50, w: 80, h: 100 }, [120, 90], [160, 90], 1.5);
    expect(roi).toMatchObject({ cx: 140, cy: 100, side: 150, angle: 0 });
    const turned = { ...roi, angle: Math.PI / 2 };
    // The input's centre is the region's centre; a point right of centre in the input lies below it in the frame.
    const p = meshToFrame([96, 96, 0, 192, 96, 10], 0, 2, turned, 192);
    expect(p[0]).toBeCloseTo(140, 6);
    expect(p[1]).toBeCloseTo(100, 6);
    expect(p[3]).toBeCloseTo(140, 6);
    expect(p[4]).toBeCloseTo(175, 6);
    expect(p[5]).toBeCloseTo(7.8125, 6);
  });
});
