/**
 * Sustained-emotion episodes over the fused timeline. A run of consecutive grid steps with the same dominant
 * emotion (each reaching rules.minProbability) becomes an episode when it lasts at least rules.minDurationMs.
 * A step stands for the interval [t, t + step), so 30 steps at 10 Hz last exactly 3.0 s and 29 steps 2.9 s.
 * Steps without an estimate break a run unless the gap is at most rules.bridgeGapMs; a bridged gap counts in
 * the episode's duration (it lies between its start and end).
 */
import type { EpisodeRules } from '../../../src-shared/analysis.js';
import { EMOTIONS, type Emotion } from '../../../src-shared/emotions.js';

export interface EpisodeSpan {
  emotion: Emotion;
  startMs: number;
  endMs: number;
  durationMs: number;
  meanProbability: number;
  peakProbability: number;
}

export interface TimelineStep {
  tMs: number;
  dominant: Emotion | null;
  probs: ArrayLike<number> | null;
}

interface Run {
  emotion: Emotion;
  startMs: number;
  lastMs: number;
  sum: number;
  n: number;
  peak: number;
}

export class EpisodeDetector {
  private run: Run | null = null;
  private readonly wanted: Set<Emotion>;

  constructor(
    private readonly rules: EpisodeRules,
    private readonly stepMs: number,
    private readonly onEpisode: (e: EpisodeSpan) => void,
  ) {
    this.wanted = new Set(rules.emotions);
  }

  push(step: TimelineStep): void {
    if (!step.dominant || !step.probs) return; // a gap: judged by the time to the next estimate
    const p = step.probs[EMOTIONS.indexOf(step.dominant)];
    if (p < this.rules.minProbability) {
      this.close();
      return;
    }
    const r = this.run;
    // Half a millisecond of slack absorbs float grid times; a gap longer than bridgeGapMs ends the run.
    const contiguous = r !== null && step.tMs - r.lastMs - this.stepMs <= this.rules.bridgeGapMs + 0.5;
    if (r && r.emotion === step.dominant && contiguous) {
      r.lastMs = step.tMs;
      r.sum += p;
      r.n++;
      r.peak = Math.max(r.peak, p);
      return;
    }
    this.close();
    this.run = { emotion: step.dominant, startMs: step.tMs, lastMs: step.tMs, sum: p, n: 1, peak: p };
  }

  /** Ends the open run (call at the end of the timeline). */
  close(): void {
    const r = this.run;
    this.run = null;
    if (!r || !this.wanted.has(r.emotion)) return;
    const endMs = r.lastMs + this.stepMs;
    const durationMs = endMs - r.startMs;
    if (durationMs + 0.5 < this.rules.minDurationMs) return;
    this.onEpisode({ emotion: r.emotion, startMs: r.startMs, endMs, durationMs, meanProbability: r.sum / r.n, peakProbability: r.peak });
  }
}

/** Convenience for arrays (tests, small timelines). */
export function findEpisodes(steps: Iterable<TimelineStep>, rules: EpisodeRules, stepMs: number): EpisodeSpan[] {
  const out: EpisodeSpan[] = [];
  const d = new EpisodeDetector(rules, stepMs, (e) => out.push(e));
  for (const s of steps) d.push(s);
  d.close();
  return out;
}

export interface EpisodeStats {
  count: number;
  /** Episodes per hour of analysed media (null when nothing was analysed). */
  perHour: number | null;
  totalMs: number;
  longestMs: number;
}

/** Count, rate per hour of analysed media, total and longest duration, per emotion in canonical order. */
export function episodeStats(episodes: Iterable<Pick<EpisodeSpan, 'emotion' | 'durationMs'>>, analysedMs: number): Record<Emotion, EpisodeStats> {
  const out = Object.fromEntries(EMOTIONS.map((e) => [e, { count: 0, perHour: null, totalMs: 0, longestMs: 0 }])) as Record<Emotion, EpisodeStats>;
  for (const ep of episodes) {
    const s = out[ep.emotion];
    s.count++;
    s.totalMs += ep.durationMs;
    s.longestMs = Math.max(s.longestMs, ep.durationMs);
  }
  if (analysedMs > 0) for (const e of EMOTIONS) out[e].perHour = out[e].count / (analysedMs / 3_600_000);
  return out;
}
