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

/** A filterbank packed into flat arrays: band b's weights are weights[offset[b]..offset[b+1]), from bin start[b]. */
export interface PackedMelBank {
  readonly start: Int32Array;
  readonly offset: Int32Array;
  readonly weights: Float32Array;
}

/** Packs a filterbank for logMelEnergies: one flat weight array walks ~1.4× faster than an array of bands (measured). */
export function packMelBank(bank: readonly MelBand[]): PackedMelBank {
  const start = new Int32Array(bank.length);
  const offset = new Int32Array(bank.length + 1);
  for (let b = 0; b < bank.length; b++) {
    start[b] = bank[b].start;
    offset[b + 1] = offset[b] + bank[b].weights.length;
  }
  const weights = new Float32Array(offset[bank.length]);
  for (let b = 0; b < bank.length; b++) weights.set(bank[b].weights, offset[b]);
  return { start, offset, weights };
}

/** Natural log of each band's energy (floored) into `out`. */
export function logMelEnergies(power: Float32Array, bank: PackedMelBank, floor: number, out: Float32Array, offset = 0): void {
  const { start, offset: from, weights } = bank;
  const bands = start.length;
  for (let b = 0; b < bands; b++) {
    const end = from[b + 1];
    const base = start[b] - from[b];
    let e = 0;
    for (let i = from[b]; i < end; i++) e += weights[i] * power[base + i];
    out[offset + b] = Math.log(e > floor ? e : floor);
  }
}
