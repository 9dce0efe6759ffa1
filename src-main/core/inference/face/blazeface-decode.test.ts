import { describe, expect, it } from 'vitest';
import { getModel, loadManifest } from '../manifest.js';
import { type BlazeFaceDecoderSpec, decodeCandidates, ssdAnchors, weightedNms } from './blazeface-decode.js';

const spec = (getModel(loadManifest(), 'face-detector-blazeface-short') as unknown as { decoder: BlazeFaceDecoderSpec }).decoder;
const STRIDE = 5 + 2 * spec.keypoints.length;

describe('BlazeFace anchors and decoding', () => {
  it('lays out 512 stride-8 anchors (2 per cell) then 384 stride-16 anchors (6 per cell), row-major', () => {
    const a = ssdAnchors(spec);
    expect(a.length / 2).toBe(896);
    expect([a[0], a[1], a[2], a[3]]).toEqual([0.5 / 16, 0.5 / 16, 0.5 / 16, 0.5 / 16]);
    expect([a[4], a[5]]).toEqual([1.5 / 16, 0.5 / 16]);
    expect([a[2 * 512], a[2 * 512 + 1]]).toEqual([0.5 / 8, 0.5 / 8]);
    expect([a[2 * 518], a[2 * 518 + 1]]).toEqual([1.5 / 8, 0.5 / 8]);
  });

  it('turns pixel offsets from an anchor into a normalised box and keypoints, dropping low scores', () => {
    const anchors = ssdAnchors(spec);
    const raw = new Float32Array(896 * STRIDE).fill(-10);
    const a = 600;
    raw.set([3, 6.4, -3.2, 32, 38.4, 0, 0, 12.8, 0], a * STRIDE);
    const c = decodeCandidates(raw, 0, anchors, spec);
    expect(c).toHaveLength(1);
    expect(c[0].score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    expect(c[0].cx).toBeCloseTo(anchors[2 * a] + 0.05, 6);
    expect(c[0].cy).toBeCloseTo(anchors[2 * a + 1] - 0.025, 6);
    expect(c[0].w).toBeCloseTo(0.25, 6);
    expect(c[0].h).toBeCloseTo(0.3, 6);
    expect(c[0].keypoints[1][0]).toBeCloseTo(anchors[2 * a] + 0.1, 6);
  });

  it('merges overlapping candidates into one score-weighted box and keeps separate faces apart', () => {
    const kp = (): Array<[number, number]> => [[0, 0]];
    const merged = weightedNms(
      [
        { score: 0.9, cx: 0.5, cy: 0.5, w: 0.2, h: 0.2, keypoints: kp() },
        { score: 0.6, cx: 0.52, cy: 0.5, w: 0.2, h: 0.2, keypoints: kp() },
        { score: 0.8, cx: 0.1, cy: 0.1, w: 0.1, h: 0.1, keypoints: kp() },
      ],
      0.3,
    );
    expect(merged).toHaveLength(2);
    expect(merged[0].score).toBe(0.9);
    expect(merged[0].cx).toBeCloseTo((0.5 * 0.9 + 0.52 * 0.6) / 1.5, 9);
    expect(merged[1].cx).toBeCloseTo(0.1, 9);
  });
});
