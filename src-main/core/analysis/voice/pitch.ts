import { PitchDetector } from 'pitchy';
import { F0_MAX_HZ, F0_MIN_HZ, SAMPLE_RATE, VOICING_CLARITY, VOICING_FLOOR_DBFS } from './params.js';

export interface PitchEstimate {
  /** Hz, or 0 when the frame is unvoiced. */
  f0: number;
  /** Peak of the normalised square difference function (McLeod pitch method), 0..1; 0 when too quiet. */
  clarity: number;
}

/**
 * F0 per frame with pitchy's McLeod pitch method (MIT). A frame is voiced when it is above the level floor,
 * its periodicity (clarity) reaches VOICING_CLARITY and the F0 lies in the speech range.
 */
export class PitchTracker {
  private readonly detector: PitchDetector<Float32Array>;
  private readonly floorRms = 10 ** (VOICING_FLOOR_DBFS / 20);

  constructor(readonly frameLength: number) {
    this.detector = PitchDetector.forFloat32Array(frameLength);
  }

  estimate(frame: Float32Array, rms: number): PitchEstimate {
    if (rms < this.floorRms) return { f0: 0, clarity: 0 };
    const [f0, clarity] = this.detector.findPitch(frame, SAMPLE_RATE);
    const voiced = clarity >= VOICING_CLARITY && f0 >= F0_MIN_HZ && f0 <= F0_MAX_HZ;
    return { f0: voiced ? f0 : 0, clarity: Number.isFinite(clarity) ? clarity : 0 };
  }
}

/** Harmonics-to-noise ratio (dB) from a normalised autocorrelation peak r: 10·log10(r / (1 − r)), as Praat/openSMILE's ACF HNR. */
export function hnrFromClarity(r: number): number {
  const c = Math.min(0.999, Math.max(0.001, r));
  return 10 * Math.log10(c / (1 - c));
}
