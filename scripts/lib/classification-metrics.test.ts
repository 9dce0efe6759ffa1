import { describe, expect, it } from 'vitest';
import { evaluate, expectedCalibrationError, summaryLine } from './classification-metrics.js';

describe('evaluate', () => {
  it('computes accuracy and macro-F1 over the true classes, counting missing predictions as wrong', () => {
    const items = [
      { truth: 'happy', pred: 'happy' },
      { truth: 'happy', pred: 'happy' },
      { truth: 'happy', pred: 'sad' },
      { truth: 'sad', pred: 'sad' },
      { truth: 'sad', pred: null },
      { truth: 'contempt', pred: 'happy' },
    ];
    const e = evaluate(items, ['happy', 'sad', 'contempt'], ['neutral', 'happy', 'sad']);
    expect(e.accuracy).toBeCloseTo(3 / 6, 12);
    // happy: P 2/3, R 2/3 → F1 2/3; sad: P 1/2, R 1/2 → 1/2; contempt: never predictable → 0.
    expect(e.macroF1).toBeCloseTo((2 / 3 + 1 / 2 + 0) / 3, 12);
    expect(e.matrix[1]).toEqual([0, 0, 1, 1]);
    expect(summaryLine(e)).toBe('accuracy=0.5000 macro_f1=0.3889 n=6 no_face=1');
  });
});

describe('expectedCalibrationError', () => {
  it('is 0 when confidence matches accuracy in every bin, and the gap when it does not', () => {
    // 10 items at 0.8 confidence, 8 right: calibrated.
    const calibrated = Array.from({ length: 10 }, (_, i) => ({ confidence: 0.8, correct: i < 8 }));
    expect(expectedCalibrationError(calibrated)).toBeCloseTo(0, 10);
    // Overconfident: 0.9 claimed, half right → 0.4; plus a calibrated half at 0.3 with 3 of 10 right.
    const over = Array.from({ length: 10 }, (_, i) => ({ confidence: 0.9, correct: i < 5 }));
    const low = Array.from({ length: 10 }, (_, i) => ({ confidence: 0.3, correct: i < 3 }));
    expect(expectedCalibrationError([...over, ...low])).toBeCloseTo(0.5 * 0.4, 10);
    expect(() => expectedCalibrationError([{ confidence: 1.2, correct: true }])).toThrow(/\[0, 1\]/);
  });
});
