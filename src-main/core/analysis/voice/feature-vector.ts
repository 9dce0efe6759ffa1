import type { VoiceFeatures } from '../../../../src-shared/contract/voice.js';
import { MFCC_COEFFS } from './params.js';

/** Every scalar voice feature by name, in the order used by CSV dumps and the features model. */
export const FEATURE_NAMES: readonly string[] = [
  'f0MeanHz',
  'f0SdSemitones',
  'f0RangeSemitones',
  'loudnessMean',
  'loudnessSd',
  'jitterLocal',
  'shimmerLocalDb',
  'hnrDb',
  'alphaRatioDb',
  'hammarbergDb',
  'slope0to500',
  'slope500to1500',
  ...Array.from({ length: MFCC_COEFFS }, (_, i) => `mfccMean${i + 1}`),
  ...Array.from({ length: MFCC_COEFFS }, (_, i) => `mfccSd${i + 1}`),
  'voicedRatio',
  'voicedSegmentsPerSec',
];

/** One named feature; null when not measurable in this window (no voiced frames, too few cycles). */
export function featureValue(f: VoiceFeatures, name: string): number | null {
  const m = /^mfcc(Mean|Sd)(\d+)$/.exec(name);
  if (m) return (m[1] === 'Mean' ? f.mfccMean : f.mfccSd)[Number(m[2]) - 1];
  if (!(name in f)) throw new Error(`Unknown voice feature "${name}"`);
  const v = f[name as keyof VoiceFeatures];
  return typeof v === 'number' ? v : null;
}

/**
 * Model input for a features model: its `featureNames` in order, a missing value replaced by the training
 * mean the manifest gives (`featureImpute`), so it reads as "average" after the graph's standardisation.
 */
export function featureVector(f: VoiceFeatures, model: { featureNames: string[] | null; entry: { id: string } & Record<string, unknown> }): Float32Array {
  const names = model.featureNames;
  if (!names) throw new Error(`Model "${model.entry.id}" lists no featureNames`);
  const impute = (model.entry.featureImpute ?? {}) as Record<string, number>;
  return Float32Array.from(names, (n) => featureValue(f, n) ?? impute[n] ?? 0);
}
