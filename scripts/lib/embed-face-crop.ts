import type { PixelFrame } from '../../src-main/core/inference/face/frame.js';
import { resizeBilinear } from '../../src-main/core/analysis/face/gray-resize.js';

/**
 * A face crop (e.g. FER2013's 48×48) as a still the app's detector can find a face in: the detector is trained on
 * faces with surroundings, so the crop is put in a canvas twice its size and upscaled, then goes through
 * detection → aligned crop → classifier like a camera frame.
 */
/** w×h gray → RGB canvas of 2× the size (edge-replicated border), upscaled 2× bilinear: a 192×192 still. */
export function embedFaceCrop(gray: Float32Array, w: number, h: number): PixelFrame {
  const cw = 2 * w;
  const ch = 2 * h;
  const canvas = new Float32Array(cw * ch);
  for (let y = 0; y < ch; y++)
    for (let x = 0; x < cw; x++) {
      const sx = Math.min(w - 1, Math.max(0, x - w / 2));
      const sy = Math.min(h - 1, Math.max(0, y - h / 2));
      canvas[y * cw + x] = gray[sy * w + sx];
    }
  const S = 2 * cw;
  const up = new Float32Array(S * S);
  resizeBilinear(canvas, cw, ch, S, 'half-pixel', up);
  const rgb = new Uint8Array(S * S * 3);
  up.forEach((v, i) => rgb.fill(Math.round(Math.min(255, Math.max(0, v))), 3 * i, 3 * i + 3));
  return { tMs: 0, width: S, height: S, data: rgb, channels: 3 };
}

