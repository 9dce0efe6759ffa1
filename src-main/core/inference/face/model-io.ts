/**
 * Reads what the face pipeline needs from a manifest entry (input normalisation, label mapping), so the
 * numbers live in models/manifest.json only.
 */
import { EMOTIONS } from '../../../../src-shared/emotions.js';
import type { ModelEntry } from '../manifest.js';

export interface Normalisation {
  /** value = pixel(0..255) * scale + offset */
  scale: number;
  offset: number;
  grayWeights?: [number, number, number];
  size?: number;
}

export function inputNormalisation(entry: ModelEntry): Normalisation {
  const n = entry.inputs[0]?.normalisation as Partial<Normalisation> | undefined;
  if (!n || typeof n.scale !== 'number' || typeof n.offset !== 'number') {
    throw new Error(`Model ${entry.id}: inputs[0].normalisation needs numeric scale and offset in models/manifest.json`);
  }
  const g = n.grayWeights;
  if (g !== undefined && (!Array.isArray(g) || g.length !== 3)) throw new Error(`Model ${entry.id}: grayWeights must be three numbers`);
  return { scale: n.scale, offset: n.offset, grayWeights: g, size: n.size };
}

/** For each canonical emotion, the model output index; validated against the entry's labels. */
export function canonicalIndex(entry: ModelEntry): number[] {
  const map = entry.canonicalMap;
  if (!map || map.length !== EMOTIONS.length) throw new Error(`Model ${entry.id}: canonicalMap must list ${EMOTIONS.length} indices`);
  const labels = entry.labels ?? [];
  map.forEach((m, i) => {
    if (m >= labels.length) throw new Error(`Model ${entry.id}: canonicalMap[${i}] = ${m} is outside its ${labels.length} labels`);
    if (m >= 0 && labels[m] !== EMOTIONS[i]) throw new Error(`Model ${entry.id}: canonicalMap sends ${EMOTIONS[i]} to label "${labels[m]}"`);
  });
  return map;
}

/**
 * Model output row → canonical order. A class the model lacks gets 0; the rest are renormalised so the seven
 * still sum to 1 (the model's own extra classes, e.g. contempt, are dropped).
 */
export function toCanonical(row: ArrayLike<number>, offset: number, map: number[]): number[] {
  const probs = map.map((m) => (m >= 0 ? row[offset + m] : 0));
  const sum = probs.reduce((a, b) => a + b, 0);
  return sum > 0 ? probs.map((p) => p / sum) : probs;
}
