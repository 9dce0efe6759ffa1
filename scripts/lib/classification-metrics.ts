/**
 * Confusion matrix, accuracy and macro-F1 for a labelled evaluation. Rows are true labels, columns predicted
 * labels; an item with no prediction (e.g. no face found) counts as wrong and is kept in a separate column.
 */
export interface Evaluation {
  trueLabels: string[];
  predLabels: string[];
  /** matrix[t][p]; the last column counts items without a prediction. */
  matrix: number[][];
  n: number;
  noPrediction: number;
  accuracy: number;
  /** Mean F1 over the true labels present (a class never predicted has F1 0). */
  macroF1: number;
  perClass: Array<{ label: string; n: number; precision: number; recall: number; f1: number }>;
}

export function evaluate(items: Array<{ truth: string; pred: string | null }>, trueLabels: string[], predLabels: string[]): Evaluation {
  const ti = new Map(trueLabels.map((l, i) => [l, i]));
  const pi = new Map(predLabels.map((l, i) => [l, i]));
  const matrix = trueLabels.map(() => new Array<number>(predLabels.length + 1).fill(0));
  let correct = 0;
  let none = 0;
  for (const it of items) {
    const t = ti.get(it.truth);
    if (t === undefined) throw new Error(`Unknown true label ${it.truth}`);
    if (it.pred === null) {
      matrix[t][predLabels.length]++;
      none++;
      continue;
    }
    const p = pi.get(it.pred);
    if (p === undefined) throw new Error(`Unknown predicted label ${it.pred}`);
    matrix[t][p]++;
    if (it.pred === it.truth) correct++;
  }
  const perClass = trueLabels.map((label, t) => {
    const n = matrix[t].reduce((a, b) => a + b, 0);
    const p = pi.get(label);
    const tp = p === undefined ? 0 : matrix[t][p];
    const predicted = p === undefined ? 0 : matrix.reduce((a, row) => a + row[p], 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = n ? tp / n : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, n, precision, recall, f1 };
  });
  const present = perClass.filter((c) => c.n > 0);
  return {
    trueLabels,
    predLabels,
    matrix,
    n: items.length,
    noPrediction: none,
    accuracy: items.length ? correct / items.length : 0,
    macroF1: present.length ? present.reduce((a, c) => a + c.f1, 0) / present.length : 0,
    perClass,
  };
}

export function formatConfusion(e: Evaluation): string {
  const cols = [...e.predLabels, 'no_face'];
  const w = Math.max(11, ...cols.map((c) => c.length + 1), ...e.trueLabels.map((l) => l.length + 1));
  const pad = (s: string | number) => String(s).padStart(w);
  const lines = [`${'true\\pred'.padEnd(w)}${cols.map(pad).join('')}${pad('recall')}`];
  e.trueLabels.forEach((l, t) => {
    if (!e.perClass[t].n) return;
    lines.push(`${l.padEnd(w)}${e.matrix[t].map(pad).join('')}${pad(e.perClass[t].recall.toFixed(3))}`);
  });
  lines.push('', `${'class'.padEnd(w)}${pad('n')}${pad('precision')}${pad('recall')}${pad('f1')}`);
  for (const c of e.perClass) if (c.n) lines.push(`${c.label.padEnd(w)}${pad(c.n)}${pad(c.precision.toFixed(3))}${pad(c.recall.toFixed(3))}${pad(c.f1.toFixed(3))}`);
  return lines.join('\n');
}

export function summaryLine(e: Evaluation): string {
  return `accuracy=${e.accuracy.toFixed(4)} macro_f1=${e.macroF1.toFixed(4)} n=${e.n} no_face=${e.noPrediction}`;
}

/**
 * Expected calibration error of top-1 confidences (Guo et al. 2017): items binned by confidence into `bins`
 * equal-width bins, Σ (bin share) · |bin accuracy − bin mean confidence|. 0 is perfectly calibrated.
 */
export function expectedCalibrationError(items: Array<{ confidence: number; correct: boolean }>, bins = 15): number {
  if (!items.length) return 0;
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  for (const it of items) {
    if (!(it.confidence >= 0 && it.confidence <= 1)) throw new Error(`Confidence must be in [0, 1], got ${it.confidence}`);
    // Bins are (lo, hi]; a confidence of exactly 0 goes into the first.
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(it.confidence * bins) - 1));
    count[b]++;
    conf[b] += it.confidence;
    if (it.correct) hits[b]++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]) ece += (count[b] / items.length) * Math.abs(hits[b] / count[b] - conf[b] / count[b]);
  return ece;
}
