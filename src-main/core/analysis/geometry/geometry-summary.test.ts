import { describe, expect, it } from 'vitest';
import { lowMobilityRuleSchema } from '../../../../src-shared/analysis.js';
import { AU_NAMES, type AuName } from '../../../../src-shared/face-geometry.js';
import { summariseGeometry } from './geometry-summary.js';

const au = (v: (a: AuName) => number) => Object.fromEntries(AU_NAMES.map((a) => [a, v(a)])) as Record<AuName, number>;

/** 60 s at 10 Hz: an expressive first half (AUs swing), a still second half; blinks every 5 s. */
function session() {
  return Array.from({ length: 600 }, (_, i) => {
    const t = i * 100;
    const still = t >= 30_000;
    return { tMs: t, yawDeg: still ? 0 : 20 * Math.sin(i / 10), pitchDeg: 0, rollDeg: 0, blink: i % 50 === 25, au: au(() => (still ? 0.2 : 0.3 + 0.3 * Math.sin(i / 3))) };
  });
}

describe('face geometry summary', () => {
  it('gives blink rate, head movement range, mean AUs and finds the still stretch as low facial mobility', () => {
    const s = summariseGeometry(session(), lowMobilityRuleSchema.parse({}));
    expect(s.blinkCount).toBe(12);
    expect(s.blinkRatePerMin).toBeCloseTo((12 * 60) / 59.9, 1);
    expect(s.yawRangeDeg!).toBeGreaterThan(30);
    expect(s.pitchRangeDeg).toBe(0);
    expect(s.meanAu.au04!).toBeGreaterThan(0.2);
    expect(s.lowMobility).toHaveLength(1);
    const [ep] = s.lowMobility;
    // The window (5 s) must first slide past the expressive part.
    expect(ep.startMs).toBeGreaterThanOrEqual(30_000);
    expect(ep.startMs).toBeLessThanOrEqual(35_000);
    expect(ep.endMs).toBe(59_900);
  });

  it('follows the configured rule: a longer minimum finds nothing, the rule can be switched off', () => {
    expect(summariseGeometry(session(), lowMobilityRuleSchema.parse({ minDurationMs: 40_000 })).lowMobility).toHaveLength(0);
    expect(summariseGeometry(session(), lowMobilityRuleSchema.parse({ enabled: false })).lowMobility).toHaveLength(0);
  });

  it('does not bridge time without a face', () => {
    const samples = session().filter((s) => s.tMs < 40_000 || s.tMs >= 45_000);
    const s = summariseGeometry(samples, lowMobilityRuleSchema.parse({ minDurationMs: 12_000 }));
    expect(s.lowMobility).toHaveLength(1);
    expect(s.lowMobility[0].startMs).toBeGreaterThanOrEqual(45_000);
    expect(s.measuredMs).toBeCloseTo(54_800, -2);
  });

  it('has nulls, not zeros, without samples', () => {
    const s = summariseGeometry([], lowMobilityRuleSchema.parse({}));
    expect(s.blinkRatePerMin).toBeNull();
    expect(s.yawRangeDeg).toBeNull();
    expect(s.meanAu.au01_02).toBeNull();
  });
});
