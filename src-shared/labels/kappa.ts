/**
 * Cohen's kappa (Cohen 1960) from a confusion matrix: κ = (pₒ − pₑ) / (1 − pₑ), where pₒ is the share of
 * items both raters put in the same category and pₑ the share expected by chance from each rater's own
 * category frequencies. Rows are rater A, columns rater B (or the model).
 */
export interface Confusion {
  categories: string[];
  /** matrix[i][j]: items A called categories[i] and B called categories[j]. */
  matrix: number[][];
  n: number;
}

export interface KappaResult {
  /** null when undefined: no items, or both raters used one and the same category only (pₑ = 1). */
  kappa: number | null;
  observed: number | null;
  expected: number | null;
  n: number;
}

export function emptyConfusion(categories: readonly string[]): Confusion {
  return { categories: [...categories], matrix: categories.map(() => categories.map(() => 0)), n: 0 };
}

/**
 * Counts label pairs. Categories keep the order given; a label not listed is appended in order of first
 * appearance, so nothing is dropped.
 */
export function confusionMatrix(pairs: Iterable<readonly [string, string]>, categories: readonly string[] = []): Confusion {
  const c = emptyConfusion(categories);
  const index = new Map(c.categories.map((k, i) => [k, i]));
  const idx = (k: string): number => {
    let i = index.get(k);
    if (i === undefined) {
      i = c.categories.length;
      index.set(k, i);
      c.categories.push(k);
      for (const row of c.matrix) row.push(0);
      c.matrix.push(c.categories.map(() => 0));
    }
    return i;
  };
  for (const [a, b] of pairs) {
    const i = idx(a);
    const j = idx(b);
    c.matrix[i][j]++;
    c.n++;
  }
  return c;
}

/** Sums confusion matrices (pooling sessions); categories are the union, in order of first appearance. */
export function addConfusions(list: readonly Confusion[], categories: readonly string[] = []): Confusion {
  const out = confusionMatrix([], categories);
  const index = new Map(out.categories.map((k, i) => [k, i]));
  const idx = (k: string): number => {
    let i = index.get(k);
    if (i === undefined) {
      i = out.categories.length;
      index.set(k, i);
      out.categories.push(k);
      for (const row of out.matrix) row.push(0);
      out.matrix.push(out.categories.map(() => 0));
    }
    return i;
  };
  for (const c of list) {
    c.categories.forEach((a, i) =>
      c.categories.forEach((b, j) => {
        const v = c.matrix[i][j];
        if (v) out.matrix[idx(a)][idx(b)] += v;
      }),
    );
    out.n += c.n;
  }
  return out;
}

export function cohensKappa(c: Confusion): KappaResult {
  const k = c.categories.length;
  const n = c.matrix.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  if (n === 0) return { kappa: null, observed: null, expected: null, n: 0 };
  let agree = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    agree += c.matrix[i][i];
    const rowSum = c.matrix[i].reduce((a, b) => a + b, 0);
    let colSum = 0;
    for (let r = 0; r < k; r++) colSum += c.matrix[r][i];
    expected += (rowSum / n) * (colSum / n);
  }
  const observed = agree / n;
  // pₑ = 1 only when both raters used a single, identical category: agreement is then not informative.
  const kappa = Math.abs(1 - expected) < 1e-12 ? null : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, n };
}

/** Landis & Koch (1977) words for a kappa value, as commonly reported next to it. */
export const KAPPA_BANDS = ['undefined', 'poor', 'slight', 'fair', 'moderate', 'substantial', 'almostPerfect'] as const;
export type KappaBand = (typeof KAPPA_BANDS)[number];

/** The band (Landis & Koch) a kappa falls in; the catalogues put it in words (kappa.band.<band>). */
export function kappaBand(kappa: number | null): KappaBand {
  if (kappa === null) return 'undefined';
  if (kappa < 0) return 'poor';
  if (kappa <= 0.2) return 'slight';
  if (kappa <= 0.4) return 'fair';
  if (kappa <= 0.6) return 'moderate';
  if (kappa <= 0.8) return 'substantial';
  return 'almostPerfect';
}
