/** HTK mel scale. */
export const hzToMel = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
export const melToHz = (mel: number): number => 700 * (10 ** (mel / 2595) - 1);

/** One triangular band, stored sparsely: weights for bins start..start+weights.length-1. */
export interface MelBand {
  start: number;
  weights: Float32Array;
}

/**
 * Triangular filters equally spaced on the HTK mel scale between fminHz and fmaxHz, peak weight 1, over the
 * `bins` bins of a `fftSize`-point spectrum. A band too narrow to contain a bin centre gets the nearest bin,
 * so no band is ever empty (that would put log(0) into the features).
 */
export function melFilterbank(bands: number, fftSize: number, sampleRate: number, fminHz: number, fmaxHz: number): MelBand[] {
  const bins = fftSize / 2 + 1;
  const binHz = sampleRate / fftSize;
  const lo = hzToMel(fminHz);
  const hi = hzToMel(fmaxHz);
  const edges = Array.from({ length: bands + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (bands + 1)));
  const out: MelBand[] = [];
  for (let b = 0; b < bands; b++) {
    const [left, centre, right] = [edges[b], edges[b + 1], edges[b + 2]];
    const first = Math.max(0, Math.ceil(left / binHz));
    const last = Math.min(bins - 1, Math.floor(right / binHz));
    const weights: number[] = [];
    for (let k = first; k <= last; k++) {
      const f = k * binHz;
      weights.push(Math.max(0, f <= centre ? (f - left) / (centre - left) : (right - f) / (right - centre)));
    }
    if (!weights.some((w) => w > 0)) {
      out.push({ start: Math.min(bins - 1, Math.round(centre / binHz)), weights: Float32Array.of(1) });
    } else {
      out.push({ start: first, weights: Float32Array.from(weights) });
    }
  }
  return out;
}

/** Natural log of each band's energy (floored) into `out`. */
export function logMelEnergies(power: Float32Array, bank: readonly MelBand[], floor: number, out: Float32Array, offset = 0): void {
  for (let b = 0; b < bank.length; b++) {
    const { start, weights } = bank[b];
    let e = 0;
    for (let i = 0; i < weights.length; i++) e += weights[i] * power[start + i];
    out[offset + b] = Math.log(e > floor ? e : floor);
  }
}
