import { LOGMEL_BANDS, MFCC_COEFFS } from './params.js';

/**
 * Per-frame descriptors in a ring of typed arrays, indexed by absolute frame number. Windows overlap
 * (2 s every 0.5 s), so each frame is computed once and read by every window that covers it.
 */
export class FrameStore {
  readonly f0: Float32Array;
  readonly clarity: Float32Array;
  readonly loudness: Float32Array;
  readonly rmsDb: Float32Array;
  readonly alphaRatio: Float32Array;
  readonly hammarberg: Float32Array;
  readonly slope0to500: Float32Array;
  readonly slope500to1500: Float32Array;
  readonly mfcc: Float32Array;
  readonly logMel: Float32Array;
  /** Frames computed so far (absolute count). */
  count = 0;

  constructor(readonly capacity: number) {
    const f = (): Float32Array => new Float32Array(capacity);
    this.f0 = f();
    this.clarity = f();
    this.loudness = f();
    this.rmsDb = f();
    this.alphaRatio = f();
    this.hammarberg = f();
    this.slope0to500 = f();
    this.slope500to1500 = f();
    this.mfcc = new Float32Array(capacity * MFCC_COEFFS);
    this.logMel = new Float32Array(capacity * LOGMEL_BANDS);
  }

  slot(frame: number): number {
    if (frame < this.count - this.capacity || frame >= this.count) throw new Error(`Frame ${frame} is no longer (or not yet) held`);
    return frame % this.capacity;
  }

  /** Log-mel of frames [from, to) as one band-major block [bands, frames], the layout the voice model takes. */
  logMelBlock(from: number, to: number): Float32Array {
    const frames = to - from;
    const out = new Float32Array(LOGMEL_BANDS * frames);
    for (let t = 0; t < frames; t++) {
      const base = this.slot(from + t) * LOGMEL_BANDS;
      for (let b = 0; b < LOGMEL_BANDS; b++) out[b * frames + t] = this.logMel[base + b];
    }
    return out;
  }
}
