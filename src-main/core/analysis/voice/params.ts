/**
 * Fixed analysis constants for the voice pipeline (16 kHz, 10 ms frames as in openSMILE's eGeMAPS) and the
 * configurable window schedule. The trained voice model was fed frames made with exactly these values;
 * changing a frame constant means retraining (the model's manifest entry records them).
 */
export const SAMPLE_RATE = 16000;
/** 10 ms between frames. */
export const FRAME_HOP = 160;
/** 25 ms Hann window for the spectrum (MFCC, log-mel, spectral balance, loudness). */
export const SPECTRUM_FRAME = 400;
export const FFT_SIZE = 512;
/** 32 ms for pitch, ending where the spectrum frame ends: two periods of the lowest F0 we look for. */
export const PITCH_FRAME = 512;
export const F0_MIN_HZ = 60;
export const F0_MAX_HZ = 600;
/** Normalised-autocorrelation peak (pitchy's "clarity") a frame needs to count as voiced. */
export const VOICING_CLARITY = 0.7;
/** Frames quieter than this (RMS, dB re full scale) are unvoiced whatever their periodicity. */
export const VOICING_FLOOR_DBFS = -50;
export const LOGMEL_BANDS = 64;
export const LOGMEL_FMIN_HZ = 50;
export const LOGMEL_FMAX_HZ = 8000;
export const MFCC_BANDS = 26;
export const MFCC_FMIN_HZ = 20;
export const MFCC_FMAX_HZ = 8000;
export const MFCC_COEFFS = 13;
/** HTK/openSMILE cepstral lifter. */
export const MFCC_LIFTER = 22;
/** Natural-log floor for band energies, so digital silence gives a finite value. */
export const LOG_FLOOR = 1e-10;

export interface WindowParams {
  /** Window length in ms (default 2000). */
  windowMs: number;
  /** Step between window starts in ms (default 500). */
  hopMs: number;
}

export const DEFAULT_WINDOW: WindowParams = { windowMs: 2000, hopMs: 500 };

/** Window length and hop in samples, checked: both whole frames, hop not longer than the window. */
export function windowSamples(p: WindowParams): { win: number; hop: number } {
  const win = Math.round((p.windowMs * SAMPLE_RATE) / 1000);
  const hop = Math.round((p.hopMs * SAMPLE_RATE) / 1000);
  if (!(win >= 8000 && win <= 10 * SAMPLE_RATE)) throw new Error(`Voice window must be 0.5–10 s, got ${p.windowMs} ms`);
  if (!(hop >= FRAME_HOP && hop <= win)) throw new Error(`Voice window hop must be 10 ms up to the window length, got ${p.hopMs} ms`);
  if (win % FRAME_HOP || hop % FRAME_HOP) throw new Error('Voice window length and hop must be whole multiples of 10 ms');
  return { win, hop };
}
