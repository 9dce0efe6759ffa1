/**
 * eGeMAPS spectral-balance descriptors from one frame's power spectrum (Eyben et al. 2016, §3.1):
 * alpha ratio, Hammarberg index and the spectral slopes 0–500 Hz and 500–1500 Hz.
 */
export interface SpectralBalance {
  /** dB: energy 50–1000 Hz over energy 1–5 kHz. */
  alphaRatio: number;
  /** dB: strongest bin 0–2 kHz over strongest bin 2–5 kHz. */
  hammarberg: number;
  /** dB per Hz: least-squares slope of the dB power spectrum over 0–500 Hz. */
  slope0to500: number;
  /** dB per Hz, over 500–1500 Hz. */
  slope500to1500: number;
}

const TINY = 1e-12;
const db = (x: number): number => 10 * Math.log10(x > TINY ? x : TINY);

interface Range {
  from: number;
  to: number;
}

/** A slope's bin range with its data-independent least-squares sums, summed once in the per-frame order. */
interface SlopeRange extends Range {
  n: number;
  sx: number;
  sxx: number;
}

export class SpectralBalanceAnalyzer {
  private readonly low: Range;
  private readonly high: Range;
  private readonly hamLow: Range;
  private readonly hamHigh: Range;
  private readonly slopeA: SlopeRange;
  private readonly slopeB: SlopeRange;

  constructor(
    fftSize: number,
    private readonly sampleRate: number,
  ) {
    const binHz = sampleRate / fftSize;
    const r = (a: number, b: number): Range => ({ from: Math.ceil(a / binHz), to: Math.min(fftSize / 2, Math.floor(b / binHz)) });
    this.low = r(50, 1000);
    this.high = { from: this.low.to + 1, to: r(0, 5000).to };
    this.hamLow = r(0, 2000);
    this.hamHigh = { from: this.hamLow.to + 1, to: r(0, 5000).to };
    this.binHz = binHz;
    const slopeRange = ({ from, to }: Range): SlopeRange => {
      let sx = 0;
      let sxx = 0;
      for (let k = from; k <= to; k++) {
        const x = k * binHz;
        sx += x;
        sxx += x * x;
      }
      return { from, to, n: to - from + 1, sx, sxx };
    };
    this.slopeA = slopeRange(r(0, 500));
    this.slopeB = slopeRange(r(500, 1500));
  }

  private readonly binHz: number;

  private slope(power: Float32Array, { from, to, n, sx, sxx }: SlopeRange): number {
    let sy = 0;
    let sxy = 0;
    for (let k = from; k <= to; k++) {
      const y = db(power[k]);
      sy += y;
      sxy += k * this.binHz * y;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }

  compute(power: Float32Array): SpectralBalance {
    let lo = 0;
    let hi = 0;
    for (let k = this.low.from; k <= this.low.to; k++) lo += power[k];
    for (let k = this.high.from; k <= this.high.to; k++) hi += power[k];
    let mLo = 0;
    let mHi = 0;
    for (let k = this.hamLow.from; k <= this.hamLow.to; k++) if (power[k] > mLo) mLo = power[k];
    for (let k = this.hamHigh.from; k <= this.hamHigh.to; k++) if (power[k] > mHi) mHi = power[k];
    return {
      alphaRatio: db(lo) - db(hi),
      hammarberg: db(mLo) - db(mHi),
      slope0to500: this.slope(power, this.slopeA),
      slope500to1500: this.slope(power, this.slopeB),
    };
  }
}
