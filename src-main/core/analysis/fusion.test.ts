import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_PARAMS } from '../../../src-shared/analysis.js';
import { EMOTIONS } from '../../../src-shared/emotions.js';
import { FaceAligner, VoiceAligner } from './align.js';
import { type FaceSample, fuseStep, type VoiceSample } from './fusion.js';
import { contributors, fuseTimeline, gridLength } from './timeline.js';

const P = DEFAULT_ANALYSIS_PARAMS.fusion;
const one = (e: (typeof EMOTIONS)[number]): number[] => EMOTIONS.map((x) => (x === e ? 1 : 0));
const face = (tMs: number, probs: number[], over: Partial<FaceSample> = {}): FaceSample => ({
  tMs, ref: tMs, trackId: 1, box: { x: 0, y: 0, w: 10, h: 10 }, reliable: true, quality: 1, probs, ...over,
});
const voice = (startMs: number, endMs: number, probs: number[] | null, over: Partial<VoiceSample> = {}): VoiceSample => ({
  startMs, endMs, ref: startMs, speech: probs !== null, speechProb: null, probs, ...over,
});

describe('fuseStep', () => {
  it('weights each modality by trust × reliability and records the normalised weights', () => {
    const f = face(0, one('happy'), { quality: 0.9 });
    const v = voice(0, 2000, one('sad'), { speechProb: 0.3 });
    const r = fuseStep(f, v, { faceWeight: 1, voiceWeight: 1 })!;
    expect(r.faceWeight).toBeCloseTo(0.75, 10);
    expect(r.voiceWeight).toBeCloseTo(0.25, 10);
    expect(r.probs[EMOTIONS.indexOf('happy')]).toBeCloseTo(0.75, 10);
    expect(r.probs[EMOTIONS.indexOf('sad')]).toBeCloseTo(0.25, 10);
    const r2 = fuseStep(f, v, { faceWeight: 1, voiceWeight: 3 })!;
    expect(r2.voiceWeight).toBeCloseTo(0.9 / 1.8, 10);
  });

  it('drops a missing or unreliable modality instead of counting it as neutral', () => {
    const onlyFace = fuseStep(face(0, one('angry')), null, P)!;
    expect(Array.from(onlyFace.probs)).toEqual(one('angry'));
    expect([onlyFace.faceWeight, onlyFace.voiceWeight]).toEqual([1, 0]);
    const unreliableFace = fuseStep(face(0, one('happy'), { reliable: false }), voice(0, 2000, one('fear')), P)!;
    expect(Array.from(unreliableFace.probs)).toEqual(one('fear'));
    expect(unreliableFace.faceWeight).toBe(0);
    const silent = fuseStep(face(0, one('sad')), voice(0, 2000, null), P)!;
    expect(Array.from(silent.probs)).toEqual(one('sad'));
    expect(silent.probs[EMOTIONS.indexOf('neutral')]).toBe(0);
  });

  it('gives no estimate when neither modality is reliable', () => {
    expect(fuseStep(null, null, P)).toBeNull();
    expect(fuseStep(face(0, one('happy'), { reliable: false }), voice(0, 2000, null), P)).toBeNull();
    expect(fuseStep(face(0, one('happy'), { quality: 0 }), voice(0, 2000, one('sad'), { speechProb: 0 }), P)).toBeNull();
  });

  it('normalises each modality so a vector not summing to 1 cannot tip the balance', () => {
    const r = fuseStep(face(0, one('happy').map((x) => x * 4)), voice(0, 2000, one('sad').map((x) => x * 0.5)), P)!;
    expect(r.probs[EMOTIONS.indexOf('happy')]).toBeCloseTo(0.5, 10);
    expect(r.probs[EMOTIONS.indexOf('sad')]).toBeCloseTo(0.5, 10);
    expect(r.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });
});

describe('alignment', () => {
  it('takes the nearest face within tolerance and never carries a face forward', () => {
    const fa = new FaceAligner([face(0, one('happy')), face(33, one('happy')), face(133, one('sad')), face(480, one('fear'))][Symbol.iterator](), 50);
    expect(fa.at(0)?.tMs).toBe(0);
    expect(fa.at(100)?.tMs).toBe(133);
    expect(fa.at(200)).toBeNull(); // 67 ms from the nearest frame
    expect(fa.at(300)).toBeNull();
    expect(fa.at(500)?.tMs).toBe(480);
    expect(fa.at(600)).toBeNull();
  });

  it('picks the covering voice window whose centre is nearest', () => {
    const wins = [voice(0, 2000, one('happy')), voice(500, 2500, one('sad')), voice(1000, 3000, one('fear'))];
    const va = new VoiceAligner(wins[Symbol.iterator]());
    expect(va.at(100)?.startMs).toBe(0);
    expect(va.at(1400)?.startMs).toBe(500);
    expect(va.at(2000)?.startMs).toBe(1000);
    expect(va.at(2999)?.startMs).toBe(1000);
    expect(va.at(3000)).toBeNull();
  });
});

describe('fused timeline', () => {
  it('has one row per grid step, says which modalities contributed and leaves gaps without estimate', () => {
    const params = { ...P, halfLifeMs: 0 };
    // Faces for the first second only, speech from 0.5 s to 2.5 s; the clip lasts 3 s.
    const faces = Array.from({ length: 30 }, (_, i) => face(i * 33.3, one('happy')));
    const voices = [voice(0, 500, null), voice(500, 2500, one('sad'))];
    const rows = [...fuseTimeline(faces, voices, 3000, params)];
    expect(rows).toHaveLength(gridLength(3000, 100));
    expect(rows.map((r) => r.tMs).slice(0, 3)).toEqual([0, 100, 200]);
    expect(contributors(rows[2])).toBe('face');
    expect(rows[2].dominant).toBe('happy');
    expect(rows[2].speech).toBe(false);
    expect(contributors(rows[7])).toBe('face+voice');
    expect(rows[7].faceWeight).toBeCloseTo(0.5, 10);
    expect(contributors(rows[15])).toBe('voice');
    expect(rows[15].dominant).toBe('sad');
    expect(rows[15].faceState).toBe('none');
    const last = rows[rows.length - 1];
    expect(last.probs).toBeNull();
    expect(last.dominant).toBeNull();
    expect(last.valence).toBeNull();
    expect(contributors(last)).toBe('');
    expect(last.speech).toBeNull(); // no voice window covers 2.9 s
  });
});
