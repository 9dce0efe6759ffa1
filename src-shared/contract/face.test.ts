import { describe, expect, it } from 'vitest';
import { faceMethods, frameFacesSchema, liveFrameSchema } from './face.js';

describe('face contract', () => {
  it('accepts a downscaled RGBA frame and refuses oversized or truncated ones with a reason', () => {
    expect(liveFrameSchema.safeParse({ tMs: 10, width: 640, height: 480, rgba: new Uint8Array(640 * 480 * 4) }).success).toBe(true);
    const big = liveFrameSchema.safeParse({ tMs: 10, width: 1280, height: 720, rgba: new Uint8Array(1280 * 720 * 4) });
    expect(big.success).toBe(false);
    expect(big.error?.issues[0].message).toMatch(/short side must be at most 480/);
    const short = liveFrameSchema.safeParse({ tMs: 10, width: 64, height: 48, rgba: new Uint8Array(100) });
    expect(short.error?.issues[0].message).toMatch(/Expected 12288 RGBA bytes, got 100/);
  });

  it('limits how many frames one request may carry', () => {
    const frame = { tMs: 0, width: 4, height: 4, rgba: new Uint8Array(64) };
    const input = faceMethods['face.analyzeFrames'].input;
    expect(input.safeParse({ sessionId: 1, frames: [frame] }).success).toBe(true);
    expect(input.safeParse({ sessionId: 1, frames: Array(5).fill(frame) }).success).toBe(false);
  });

  it('requires eight probabilities per face, contempt possibly without a value', () => {
    const face = {
      trackId: 1,
      participant: true,
      box: { x: 1, y: 2, w: 3, h: 4 },
      quality: { detScore: 0.9, sizePx: 100, rollDeg: 0, sharpness: 300, reliable: true, reasons: [] },
      probs: [1, 0, 0, 0, 0, 0, 0, null],
      dominant: 'neutral',
    };
    expect(frameFacesSchema.safeParse({ tMs: 0, width: 640, height: 480, faces: [face] }).success).toBe(true);
    expect(frameFacesSchema.safeParse({ tMs: 0, width: 640, height: 480, faces: [{ ...face, probs: [0.9, 0, 0, 0, 0, 0, 0, 0.1] }] }).success).toBe(true);
    expect(frameFacesSchema.safeParse({ tMs: 0, width: 640, height: 480, faces: [{ ...face, probs: [1, 0, 0, 0, 0, 0, 0] }] }).success).toBe(false);
    expect(frameFacesSchema.safeParse({ tMs: 0, width: 640, height: 480, faces: [{ ...face, probs: [1, 0] }] }).success).toBe(false);
  });
});
