import type { VoiceFeatures, VoiceWindowResult } from '../../../src-shared/contract/voice.js';
import { EMOTIONS } from '../../../src-shared/emotions.js';
import type { VoiceSample } from '../analysis/fusion.js';
import type { Db } from './database.js';
import { P_COLUMNS, type ProbColumn } from './prob-columns.js';

/** voice_obs column for each scalar feature (FEATURE_NAMES in analysis/voice/feature-vector.ts). */
const SCALAR_COLUMNS: ReadonlyArray<[keyof VoiceFeatures, string]> = [
  ['f0MeanHz', 'f0_mean_hz'],
  ['f0SdSemitones', 'f0_sd_st'],
  ['f0RangeSemitones', 'f0_range_st'],
  ['loudnessMean', 'loudness_mean'],
  ['loudnessSd', 'loudness_sd'],
  ['jitterLocal', 'jitter_local'],
  ['shimmerLocalDb', 'shimmer_local_db'],
  ['hnrDb', 'hnr_db'],
  ['alphaRatioDb', 'alpha_ratio_db'],
  ['hammarbergDb', 'hammarberg_db'],
  ['slope0to500', 'slope_0_500'],
  ['slope500to1500', 'slope_500_1500'],
  ['voicedRatio', 'voiced_ratio'],
  ['voicedSegmentsPerSec', 'voiced_segments_per_sec'],
];
const MFCC_MEAN = Array.from({ length: 13 }, (_, i) => `mfcc${i + 1}_mean`);
const MFCC_SD = Array.from({ length: 13 }, (_, i) => `mfcc${i + 1}_sd`);
const PROB_COLUMNS = [...P_COLUMNS, 'p_calm'];
const COLUMNS = [
  'run_id',
  't_ms',
  'dur_ms',
  'speech',
  'speech_prob',
  'speech_ratio',
  ...SCALAR_COLUMNS.map(([, c]) => c),
  ...MFCC_MEAN,
  ...MFCC_SD,
  ...PROB_COLUMNS,
  'valence',
  'arousal',
];

/** One stored window, as read back (no live trace). */
export type VoiceObsRecord = Omit<VoiceWindowResult, 'trace' | 'emotion'> & {
  runId: number;
  emotion: { probs: Array<number | null>; calm: number | null; valence: number; arousal: number } | null;
};

type Row = Record<string, number | null>;

function toRow(runId: number, w: VoiceWindowResult): Array<number | null> {
  const f = w.features;
  const e = w.emotion;
  return [
    runId,
    w.tMs,
    w.durMs,
    w.speech ? 1 : 0,
    w.speechProb,
    w.speechRatio,
    ...SCALAR_COLUMNS.map(([k]) => (f ? (f[k] as number | null) : null)),
    ...MFCC_MEAN.map((_, i) => (f ? f.mfccMean[i] : null)),
    ...MFCC_SD.map((_, i) => (f ? f.mfccSd[i] : null)),
    ...EMOTIONS.map((_, i) => (e ? e.probs[i] : null)),
    e ? e.calm : null,
    e ? e.valence : null,
    e ? e.arousal : null,
  ];
}

function toRecord(r: Row): VoiceObsRecord {
  const hasFeatures = r.loudness_mean !== null;
  const features: VoiceFeatures | null = hasFeatures
    ? {
        ...(Object.fromEntries(SCALAR_COLUMNS.map(([k, c]) => [k, r[c]])) as unknown as VoiceFeatures),
        mfccMean: MFCC_MEAN.map((c) => r[c] as number),
        mfccSd: MFCC_SD.map((c) => r[c] as number),
      } as VoiceFeatures
    : null;
  return {
    runId: r.run_id as number,
    tMs: r.t_ms as number,
    durMs: r.dur_ms as number,
    speech: r.speech === 1,
    speechProb: r.speech_prob as number,
    speechRatio: r.speech_ratio as number,
    features,
    emotion:
      r.p_neutral === null
        ? null
        : { probs: P_COLUMNS.map((c) => r[c] as number | null), calm: r.p_calm, valence: r.valence as number, arousal: r.arousal as number },
  };
}

/** voice_obs rows of analysis runs; each insert call is one transaction (a batch of windows). */
export class VoiceObsRepo {
  private readonly insertBatch: (runId: number, windows: readonly VoiceWindowResult[]) => number;

  constructor(private readonly db: Db) {
    // A window analysed again in the same run (a live stream restarted after a gap) replaces the old row.
    const stmt = db.prepare(`INSERT OR REPLACE INTO voice_obs (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
    this.insertBatch = db.transaction((runId: number, windows: readonly VoiceWindowResult[]) => {
      for (const w of windows) stmt.run(toRow(runId, w));
      return windows.length;
    });
  }

  insert(runId: number, windows: readonly VoiceWindowResult[]): number {
    return windows.length ? this.insertBatch(runId, windows) : 0;
  }

  list(runId: number, range: { fromMs?: number; toMs?: number } = {}): VoiceObsRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM voice_obs WHERE run_id = ? AND t_ms >= ? AND t_ms < ? ORDER BY t_ms')
      .all(runId, range.fromMs ?? -Infinity, range.toMs ?? Infinity) as Row[];
    return rows.map(toRecord);
  }

  /** How much of a run had speech and a voice estimate, for reports. */
  coverage(runId: number): { windows: number; speechWindows: number; estimated: number } {
    const r = this.db
      .prepare('SELECT COUNT(*) AS n, COALESCE(SUM(speech), 0) AS s, COUNT(p_neutral) AS e FROM voice_obs WHERE run_id = ?')
      .get(runId) as { n: number; s: number; e: number };
    return { windows: r.n, speechWindows: r.s, estimated: r.e };
  }

  /** A run's windows in order of their start, a page at a time, in the shape fusion takes. */
  *windowSamples(runId: number, pageSize = 4096): Generator<VoiceSample> {
    const stmt = this.db.prepare(`SELECT t_ms, dur_ms, speech, speech_prob, ${P_COLUMNS.join(', ')} FROM voice_obs WHERE run_id = ? AND t_ms > ? ORDER BY t_ms LIMIT ?`);
    let t = -Infinity;
    for (;;) {
      const rows = stmt.all(runId, t, pageSize) as SampleRow[];
      for (const r of rows) {
        yield {
          startMs: r.t_ms,
          endMs: r.t_ms + r.dur_ms,
          // The window's start is its key in voice_obs, and so its reference from a fused row.
          ref: r.t_ms,
          speech: r.speech === 1,
          speechProb: r.speech_prob,
          probs: r.p_neutral === null ? null : P_COLUMNS.map((c) => r[c] as number | null),
        };
      }
      if (rows.length < pageSize) return;
      t = rows[rows.length - 1].t_ms;
    }
  }

  /** End of the last window of a run, or null. */
  extent(runId: number): number | null {
    return (this.db.prepare('SELECT MAX(t_ms + dur_ms) AS t FROM voice_obs WHERE run_id = ?').get(runId) as { t: number | null }).t;
  }
}

type SampleRow = { t_ms: number; dur_ms: number; speech: number; speech_prob: number } & Record<ProbColumn, number | null>;
