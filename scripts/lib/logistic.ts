/**
 * L2-regularised logistic regression by Newton's method, on standardised features (the penalty treats every
 * feature alike whatever its unit); the weights come back in the features' own units. For the few dozen features
 * of a calibration: the Newton system is solved by Gaussian elimination with partial pivoting.
 */
export interface LogisticFit {
  /** Weights per feature in its own units (score = Σ w·x + bias). */
  weights: number[];
  bias: number;
}

export function fitLogistic(X: readonly ArrayLike<number>[], y: readonly number[], lambda: number, iterations = 50): LogisticFit {
  const n = X.length;
  const d = X[0].length;
  if (n !== y.length || n < 2) throw new Error('fitLogistic: need as many labels as rows, at least two');
  const mu = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const x of X) for (let j = 0; j < d; j++) mu[j] += x[j] / n;
  for (const x of X) for (let j = 0; j < d; j++) sd[j] += (x[j] - mu[j]) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  const Z = X.map((x) => Array.from({ length: d + 1 }, (_, j) => (j < d ? (x[j] - mu[j]) / sd[j] : 1)));
  const w = new Array<number>(d + 1).fill(0);
  for (let it = 0; it < iterations; it++) {
    const g = w.map((v, j) => (j < d ? lambda * v : 0));
    const H = Array.from({ length: d + 1 }, (_, i) => Array.from({ length: d + 1 }, (_, j) => (i === j && i < d ? lambda : 0)));
    for (let r = 0; r < n; r++) {
      const z = Z[r];
      let t = 0;
      for (let j = 0; j <= d; j++) t += z[j] * w[j];
      const p = 1 / (1 + Math.exp(-t));
      const q = p * (1 - p);
      for (let i = 0; i <= d; i++) {
        g[i] += (p - y[r]) * z[i];
        const qi = q * z[i];
        for (let j = i; j <= d; j++) H[i][j] += qi * z[j];
      }
    }
    for (let i = 0; i <= d; i++) for (let j = 0; j < i; j++) H[i][j] = H[j][i];
    const step = solve(H, g);
    let size = 0;
    for (let j = 0; j <= d; j++) {
      w[j] -= step[j];
      size = Math.max(size, Math.abs(step[j]));
    }
    if (size < 1e-10) break;
  }
  const weights = mu.map((_, j) => w[j] / sd[j]);
  const bias = w[d] - mu.reduce((a, m, j) => a + (w[j] * m) / sd[j], 0);
  return { weights, bias };
}

/** Solves A x = b (A square, copied). */
export function solve(A: readonly number[][], b: readonly number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    if (M[p][c] === 0) throw new Error('solve: singular system');
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      if (f !== 0) for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}
