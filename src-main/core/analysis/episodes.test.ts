import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_PARAMS, type EpisodeRules } from '../../../src-shared/analysis.js';
import { EMOTIONS, type Emotion } from '../../../src-shared/emotions.js';
import { episodeStats, findEpisodes, type TimelineStep } from './episodes.js';

const RULES = DEFAULT_ANALYSIS_PARAMS.episodes;
const probs = (e: Emotion, p = 0.9): number[] => EMOTIONS.map((x) => (x === e ? p : (1 - p) / 6));
/** `spec` like [['happy', 30], [null, 2], ['sad', 10]]: emotion (or gap) for n steps of 100 ms. */
function steps(spec: Array<[Emotion | null, number, number?]>): TimelineStep[] {
  const out: TimelineStep[] = [];
  let t = 0;
  for (const [e, n, p] of spec) {
    for (let i = 0; i < n; i++, t += 100) out.push({ tMs: t, dominant: e, probs: e ? probs(e, p) : null });
  }
  return out;
}

describe('episodes', () => {
  it('counts 3.0 s of one dominant emotion as an episode and 2.9 s not', () => {
    expect(findEpisodes(steps([['happy', 30], ['neutral', 5]]), RULES, 100)).toEqual([
      expect.objectContaining({ emotion: 'happy', startMs: 0, endMs: 3000, durationMs: 3000 }),
    ]);
    expect(findEpisodes(steps([['happy', 29], ['neutral', 5]]), RULES, 100)).toEqual([]);
  });

  it('closes a run still open at the end of the timeline', () => {
    const eps = findEpisodes(steps([['neutral', 5], ['sad', 31]]), RULES, 100);
    expect(eps).toEqual([expect.objectContaining({ emotion: 'sad', startMs: 500, durationMs: 3100 })]);
  });

  it('breaks a run at a gap without estimate unless the gap is bridged', () => {
    const spec: Array<[Emotion | null, number]> = [['angry', 20], [null, 3], ['angry', 20]];
    expect(findEpisodes(steps(spec), RULES, 100)).toEqual([]);
    const bridged: EpisodeRules = { ...RULES, bridgeGapMs: 300 };
    expect(findEpisodes(steps(spec), bridged, 100)).toEqual([expect.objectContaining({ emotion: 'angry', startMs: 0, durationMs: 4300 })]);
    expect(findEpisodes(steps(spec), { ...RULES, bridgeGapMs: 299 }, 100)).toEqual([]);
  });

  it('applies the minimum probability and the emotion list', () => {
    const weak = steps([['fear', 40, 0.3]]);
    expect(findEpisodes(weak, { ...RULES, minProbability: 0.31 }, 100)).toEqual([]);
    expect(findEpisodes(weak, { ...RULES, minProbability: 0.3 }, 100)).toHaveLength(1);
    expect(findEpisodes(steps([['neutral', 50]]), { ...RULES, emotions: ['happy'] }, 100)).toEqual([]);
    const ep = findEpisodes(steps([['happy', 15, 0.6], ['happy', 15, 0.9]]), RULES, 100)[0];
    expect(ep.meanProbability).toBeCloseTo(0.75, 10);
    expect(ep.peakProbability).toBeCloseTo(0.9, 10);
  });

  it('summarises count per hour, total and longest per emotion', () => {
    const stats = episodeStats(
      [
        { emotion: 'happy', durationMs: 3000 },
        { emotion: 'happy', durationMs: 5000 },
        { emotion: 'sad', durationMs: 4000 },
      ],
      30 * 60_000,
    );
    expect(stats.happy).toEqual({ count: 2, perHour: 4, totalMs: 8000, longestMs: 5000 });
    expect(stats.sad.perHour).toBe(2);
    expect(stats.fear).toEqual({ count: 0, perHour: 0, totalMs: 0, longestMs: 0 });
    expect(episodeStats([], 0).happy.perHour).toBeNull();
  });
});
