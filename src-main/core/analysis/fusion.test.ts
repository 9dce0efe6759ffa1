import { describe, expect, it } from 'vitest';
import { analysisParamsSchema, DEFAULT_ANALYSIS_PARAMS, storedAnalysisParamsSchema } from '../../../src-shared/analysis.js';
import { EMOTIONS } from '../../../src-shared/emotions.js';
import { FaceAligner, VoiceAligner } from './align.js';
import { type FaceSample, fuseStep, type VoiceSample } from './fusion.js';
import { contributors, fuseTimeline, gridLength } from './timeline.js';

const P = DEFAULT_ANALYSIS_PARAMS.fusion;
const LINEAR = { ...P, rule: 'linear' as const, faceWeight: 1, voiceWeight: 1 };
const LOGLIN = { ...P, rule: 'log-linear' as const, faceWeight: 1, voiceWeight: 1 };
const one = (e: (typeof EMOTIONS)[number]): number[] => EMOTIONS.map((x) => (x === e ? 1 : 0));
const face = (tMs: number, probs: Array<number | null>, over: Partial<FaceSample> = {}): FaceSample => ({
  tMs, ref: tMs, trackId: 1, box: { x: 0, y: 0, w: 10, h: 10 }, reliable: true, quality: 1, probs, ...over,
});
const voice = (startMs: number, endMs: number, probs: Array<number | null> | null, over: Partial<VoiceSample> = {}): VoiceSample => ({
  startMs, endMs, ref: startMs, speech: probs !== null, speechProb: null, probs, ...over,
});

describe('fuseStep', () => {
  it('linear rule: weights each modality by trust × reliability and records the normalised weights', () => {
    const f = face(0, one('happy'), { quality: 0.9 });
    const v = voice(0, 2000, one('sad'), { speechProb: 0.3 });
    const r = fuseStep(f, v, LINEAR)!;
    expect(r.faceWeight).toBeCloseTo(0.75, 10);
    expect(r.voiceWeight).toBeCloseTo(0.25, 10);
    expect(r.probs[EMOTIONS.indexOf('happy')]).toBeCloseTo(0.75, 10);
    expect(r.probs[EMOTIONS.indexOf('sad')]).toBeCloseTo(0.25, 10);
    const r2 = fuseStep(f, v, { ...LINEAR, voiceWeight: 3 })!;
    expect(r2.voiceWeight).toBeCloseTo(0.9 / 1.8, 10);
  });

  it('log-linear rule (the default): multiplies the modalities, each raised to trust × reliability', () => {
    expect(P.rule).toBe('log-linear');
    const pf = EMOTIONS.map((e) => (e === 'happy' ? 0.6 : e === 'sad' ? 0.3 : 0.1 / 6));
    const pv = EMOTIONS.map((e) => (e === 'happy' ? 0.2 : e === 'sad' ? 0.7 : 0.1 / 6));
    const both = fuseStep(face(0, pf), voice(0, 2000, pv), LOGLIN)!;
    const z = pf.reduce((s, x, i) => s + x * pv[i], 0);
    expect(both.probs[EMOTIONS.indexOf('sad')]).toBeCloseTo((0.3 * 0.7) / z, 10);
    expect(both.probs[EMOTIONS.indexOf('happy')]).toBeCloseTo((0.6 * 0.2) / z, 10);
    // Two modalities that agree give a firmer estimate than either alone; the linear rule cannot.
    const agree = fuseStep(face(0, pf), voice(0, 2000, pf), LOGLIN)!;
    expect(agree.probs[EMOTIONS.indexOf('happy')]).toBeGreaterThan(0.6);
    expect(fuseStep(face(0, pf), voice(0, 2000, pf), LINEAR)!.probs[EMOTIONS.indexOf('happy')]).toBeCloseTo(0.6, 10);
    // A lone face of reliability 0.5 is flattened: its probabilities to the power 0.5.
    const half = fuseStep(face(0, pf, { quality: 0.5 }), null, LOGLIN)!;
    const zs = pf.reduce((s, x) => s + Math.sqrt(x), 0);
    expect(half.probs[EMOTIONS.indexOf('happy')]).toBeCloseTo(Math.sqrt(0.6) / zs, 10);
    expect([half.faceWeight, half.voiceWeight]).toEqual([1, 0]);
    // The weights are the learnt trust: a voice weighted 0 leaves the face's estimate as it is.
    const muted = fuseStep(face(0, pf), voice(0, 2000, pv), { ...LOGLIN, voiceWeight: 0 })!;
    expect(muted.probs[EMOTIONS.indexOf('happy')]).toBeCloseTo(0.6, 10);
  });

  it('log-linear rule: a class one modality rules out is kept by the other (probabilities are floored)', () => {
    const r = fuseStep(face(0, one('happy')), voice(0, 2000, one('sad')), LOGLIN)!;
    expect(r.probs[EMOTIONS.indexOf('happy')]).toBeCloseTo(0.5, 3);
    expect(r.probs[EMOTIONS.indexOf('sad')]).toBeCloseTo(0.5, 3);
    expect(r.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('a class only one modality gives (contempt) is decided by it; where none gives it the fused value is NaN', () => {
    const pf = [0.3, 0.1, 0.1, 0.1, 0.05, 0.05, 0.1, 0.2]; // a face model with contempt
    const pv = [0.5, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, null]; // the voice model has none
    for (const params of [LINEAR, LOGLIN]) {
      const r = fuseStep(face(0, pf), voice(0, 2000, pv), params)!;
      expect(r.probs[7]).toBeGreaterThan(0.05);
      expect(r.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    }
    // Log-linear: the voice counts an even share (1/7) for the class it lacks, so its evidence for neutral still
    // weighs against contempt as against any other class.
    const r = fuseStep(face(0, pf), voice(0, 2000, pv), LOGLIN)!;
    expect(r.probs[7] / r.probs[0]).toBeCloseTo((0.2 / 0.3) * (1 / 7 / 0.5), 10);
    const none = fuseStep(face(0, [...pf.slice(0, 7), null]), voice(0, 2000, pv), LOGLIN)!;
    expect(Number.isNaN(none.probs[7])).toBe(true);
    expect(Array.from(none.probs.slice(0, 7)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    const voiceOnly = fuseStep(null, voice(0, 2000, pv), LINEAR)!;
    expect(Number.isNaN(voiceOnly.probs[7])).toBe(true);
    expect(voiceOnly.probs[0]).toBeCloseTo(0.5, 10);
  });

  it.each([LINEAR, LOGLIN])('drops a missing or unreliable modality instead of counting it as neutral ($rule)', (P) => {
    const onlyFace = fuseStep(face(0, one('angry')), null, P)!;
    Array.from(onlyFace.probs).forEach((p, i) => expect(p).toBeCloseTo(one('angry')[i], 2));
    expect([onlyFace.faceWeight, onlyFace.voiceWeight]).toEqual([1, 0]);
    const unreliableFace = fuseStep(face(0, one('happy'), { reliable: false }), voice(0, 2000, one('fear')), P)!;
    Array.from(unreliableFace.probs).forEach((p, i) => expect(p).toBeCloseTo(one('fear')[i], 2));
    expect(unreliableFace.faceWeight).toBe(0);
    const silent = fuseStep(face(0, one('sad')), voice(0, 2000, null), P)!;
    Array.from(silent.probs).forEach((p, i) => expect(p).toBeCloseTo(one('sad')[i], 2));
    expect(silent.probs[EMOTIONS.indexOf('neutral')]).toBeLessThan(1e-3);
  });

  it.each([LINEAR, LOGLIN])('gives no estimate when neither modality is reliable ($rule)', (P) => {
    expect(fuseStep(null, null, P)).toBeNull();
    expect(fuseStep(face(0, one('happy'), { reliable: false }), voice(0, 2000, null), P)).toBeNull();
    expect(fuseStep(face(0, one('happy'), { quality: 0 }), voice(0, 2000, one('sad'), { speechProb: 0 }), P)).toBeNull();
  });

  it.each([LINEAR, LOGLIN])('normalises each modality so a vector not summing to 1 cannot tip the balance ($rule)', (P) => {
    const r = fuseStep(face(0, one('happy').map((x) => x * 4)), voice(0, 2000, one('sad').map((x) => x * 0.5)), P)!;
    expect(r.probs[EMOTIONS.indexOf('happy')]).toBeCloseTo(0.5, 3);
    expect(r.probs[EMOTIONS.indexOf('sad')]).toBeCloseTo(0.5, 3);
    expect(r.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });
});

describe('fusion rule of stored and new runs', () => {
  it('reads a run stored before fusion had a rule as linear, so re-fusing it keeps its results; new runs get log-linear', () => {
    const { rule: _, ...before } = DEFAULT_ANALYSIS_PARAMS.fusion;
    expect(storedAnalysisParamsSchema.parse({ ...DEFAULT_ANALYSIS_PARAMS, fusion: before }).fusion.rule).toBe('linear');
    expect(storedAnalysisParamsSchema.parse(DEFAULT_ANALYSIS_PARAMS).fusion.rule).toBe('log-linear');
    expect(storedAnalysisParamsSchema.parse({}).fusion.rule).toBe('log-linear');
    expect(analysisParamsSchema.parse({ fusion: { halfLifeMs: 800 } }).fusion.rule).toBe('log-linear');
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
    const params = { ...LINEAR, halfLifeMs: 0 };
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
