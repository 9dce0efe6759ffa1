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
 * Model output row → canonical order. A class the model lacks (canonicalMap -1: contempt for a seven-class model)
 * gets null, not 0; the classes it has are renormalised to sum to 1 (any extra class of the model is dropped).
 */
export function toCanonical(row: ArrayLike<number>, offset: number, map: number[]): Array<number | null> {
  const probs = map.map((m) => (m >= 0 ? row[offset + m] : null));
  const sum = probs.reduce<number>((a, b) => a + (b ?? 0), 0);
  return sum > 0 ? probs.map((p) => (p === null ? null : p / sum)) : probs;
}
