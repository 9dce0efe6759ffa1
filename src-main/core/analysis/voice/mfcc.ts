/**
 * MFCC 1..n from log mel energies: orthonormal DCT-II (as HTK and openSMILE) and the sinusoidal cepstral
 * lifter. Coefficient 0 (overall level) is left out, as in eGeMAPS, so the set does not move with mic gain.
 */
export class Mfcc {
  private readonly basis: Float32Array;
  constructor(
    private readonly bands: number,
    readonly coeffs: number,
    lifter: number,
  ) {
    this.basis = new Float32Array(coeffs * bands);
    const norm = Math.sqrt(2 / bands);
    for (let n = 1; n <= coeffs; n++) {
      const lift = lifter > 0 ? 1 + (lifter / 2) * Math.sin((Math.PI * n) / lifter) : 1;
      for (let b = 0; b < bands; b++) {
        this.basis[(n - 1) * bands + b] = norm * lift * Math.cos((Math.PI * n * (b + 0.5)) / bands);
      }
    }
  }

  compute(logEnergies: Float32Array, out: Float32Array, offset = 0): void {
    for (let n = 0; n < this.coeffs; n++) {
      let s = 0;
      const row = n * this.bands;
      for (let b = 0; b < this.bands; b++) s += this.basis[row + b] * logEnergies[b];
      out[offset + n] = s;
    }
  }
}
