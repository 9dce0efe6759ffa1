import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMOTIONS } from '../../src-shared/emotions.js';
import { FaceAnalyzer } from '../../src-main/core/analysis/face/face-analyzer.js';
import { resizeBilinear, toGray } from '../../src-main/core/analysis/face/gray-resize.js';
import { InferenceService } from '../../src-main/core/inference/inference-service.js';
import { defaultModelFor, getModel } from '../../src-main/core/inference/manifest.js';
import { sharedDataFile } from '../../src-main/core/test-support/shared-data.js';
import { evaluate, expectedCalibrationError } from '../lib/classification-metrics.js';
import { decodeImageFile } from '../lib/decode-image.js';

const FER_VAL = sharedDataFile('fer2013', 'val');
let svc: InferenceService;

beforeAll(async () => {
  svc = await InferenceService.start({ provider: 'cpu', intraOpThreads: 1 });
});
afterAll(async () => {
  await svc?.close();
});

describe('the default face-emotion model (trained in training/face)', () => {
  it('is our FER2013 CNN; the converted mini-Xception stays selectable', async () => {
    const entry = defaultModelFor(svc.manifest, 'face-emotion');
    expect(entry.id).toBe('face-emotion-fer-cnn');
    const mini = await FaceAnalyzer.create(svc, { emotionId: 'face-emotion-minixception' });
    expect(mini.modelRefs.emotion.id).toBe('face-emotion-minixception');
    expect(getModel(svc.manifest, 'face-emotion-minixception').default).toBe(false);
  });

  it('gives each face the same probabilities alone or in a batch, and they sum to 1', async () => {
    const clf = (await FaceAnalyzer.create(svc)).classifier;
    const S = clf.size;
    // Eight different patterns: gradients with a bright blob in different places.
    const batch = new Float32Array(8 * S * S);
    for (let k = 0; k < 8; k++)
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) batch[k * S * S + y * S + x] = 40 + 3 * x + 2 * y + ((x - 5 * k) ** 2 + (y - 20) ** 2 < 60 ? 120 : 0);
    const third = batch.slice(2 * S * S, 3 * S * S);
    const together = await clf.classify(batch, 8);
    const [alone] = await clf.classify(third, 1);
    for (const p of together) expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    for (let i = 0; i < EMOTIONS.length; i++) expect(together[2][i]).toBeCloseTo(alone[i], 5);
    expect(together[2]).not.toEqual(together[6]);
  });

  it.skipIf(!FER_VAL)('meets the targets on FER2013 val (PublicTest), well above mini-Xception, with calibrated probabilities (needs ../shared/data)', async () => {
    const items: Array<{ file: string; label: string }> = [];
    for (const label of readdirSync(FER_VAL!).sort()) for (const f of readdirSync(path.join(FER_VAL!, label)).sort()) items.push({ file: path.join(FER_VAL!, label, f), label });
    // Decoded once for both models (both weigh R, G, B the same way).
    const grays = items.map((it) => {
      const img = decodeImageFile(it.file);
      expect([img.width, img.height]).toEqual([48, 48]);
      return toGray(img.rgba, img.width, img.height, 4, [0.2989, 0.587, 0.114]);
    });
    const score = async (emotionId?: string) => {
      const clf = (await FaceAnalyzer.create(svc, { emotionId })).classifier;
      expect(clf.norm.grayWeights).toEqual([0.2989, 0.587, 0.114]);
      const S = clf.size;
      const results: Array<{ confidence: number; correct: boolean; truth: string; pred: string }> = [];
      for (let s = 0; s < items.length; s += 512) {
        const batch = items.slice(s, s + 512);
        const crops = new Float32Array(batch.length * S * S);
        batch.forEach((_, k) => resizeBilinear(grays[s + k], 48, 48, S, 'tf-legacy', crops, k * S * S));
        const probs = await clf.classify(crops, batch.length);
        probs.forEach((p, k) => {
          const top = Math.max(...p);
          results.push({ confidence: top, correct: EMOTIONS[p.indexOf(top)] === batch[k].label, truth: batch[k].label, pred: EMOTIONS[p.indexOf(top)] });
        });
      }
      const labels = [...EMOTIONS];
      return { accuracy: results.filter((r) => r.correct).length / results.length, macroF1: evaluate(results, labels, labels).macroF1, ece: expectedCalibrationError(results) };
    };
    const ours = await score();
    const mini = await score('face-emotion-minixception');
    console.log(`FER2013 val, n=${items.length}: ours accuracy ${ours.accuracy.toFixed(4)} macro-F1 ${ours.macroF1.toFixed(4)} ECE ${ours.ece.toFixed(4)}; mini-Xception accuracy ${mini.accuracy.toFixed(4)} ECE ${mini.ece.toFixed(4)}`);
    expect(items.length).toBe(3589);
    // The targets of the model's issue: accuracy ≥ 0.70, macro-F1 ≥ 0.65, ECE ≤ 0.05 after temperature scaling.
    expect(ours.accuracy).toBeGreaterThanOrEqual(0.7);
    expect(ours.macroF1).toBeGreaterThanOrEqual(0.65);
    expect(ours.ece).toBeLessThanOrEqual(0.05);
    expect(ours.accuracy).toBeGreaterThan(mini.accuracy + 0.1);
  }, 120_000);
});
