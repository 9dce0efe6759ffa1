import { hann, PowerSpectrum } from './fft.js';
import type { FrameStore } from './frame-store.js';
import { logMelEnergies, melFilterbank, packMelBank } from './mel-filterbank.js';
import { Mfcc } from './mfcc.js';
import {
  FFT_SIZE,
  LOG_FLOOR,
  LOGMEL_BANDS,
  LOGMEL_FMAX_HZ,
  LOGMEL_FMIN_HZ,
  MFCC_BANDS,
  MFCC_COEFFS,
  MFCC_FMAX_HZ,
  MFCC_FMIN_HZ,
  MFCC_LIFTER,
  PITCH_FRAME,
  SAMPLE_RATE,
  SPECTRUM_FRAME,
} from './params.js';
import { PitchTracker } from './pitch.js';
import { SpectralBalanceAnalyzer } from './spectral-balance.js';

/** Loudness exponent: Stevens' power law, as openSMILE's auditory-spectrum loudness. */
const LOUDNESS_EXPONENT = 0.3;

/**
 * Computes every per-frame descriptor for one 10 ms frame. The input is the PITCH_FRAME samples ending where
 * the frame's 25 ms spectrum window ends; the spectrum uses the last SPECTRUM_FRAME of them.
 */
export class FrameAnalyzer {
  private readonly window = hann(SPECTRUM_FRAME);
  private readonly windowEnergy: number;
  private readonly spectrum = new PowerSpectrum(FFT_SIZE);
  private readonly power = new Float32Array(FFT_SIZE / 2 + 1);
  private readonly logMelBank = packMelBank(melFilterbank(LOGMEL_BANDS, FFT_SIZE, SAMPLE_RATE, LOGMEL_FMIN_HZ, LOGMEL_FMAX_HZ));
  private readonly mfccBank = packMelBank(melFilterbank(MFCC_BANDS, FFT_SIZE, SAMPLE_RATE, MFCC_FMIN_HZ, MFCC_FMAX_HZ));
  private readonly mfccLog = new Float32Array(MFCC_BANDS);
  private readonly mfcc = new Mfcc(MFCC_BANDS, MFCC_COEFFS, MFCC_LIFTER);
  private readonly balance = new SpectralBalanceAnalyzer(FFT_SIZE, SAMPLE_RATE);
  private readonly pitch = new PitchTracker(PITCH_FRAME);

  constructor() {
    let e = 0;
    for (const w of this.window) e += w * w;
    this.windowEnergy = e;
  }

  /** Analyses `frame` (PITCH_FRAME samples) into slot `frameIndex` of the store. */
  analyze(frame: Float32Array, store: FrameStore, frameIndex: number): void {
    if (frame.length !== PITCH_FRAME) throw new Error(`Frame must be ${PITCH_FRAME} samples`);
    const s = frameIndex % store.capacity;
    const off = PITCH_FRAME - SPECTRUM_FRAME;
    let sq = 0;
    // Windowed straight into the FFT input (indices ≥ SPECTRUM_FRAME stay zero), rounded to float32 as when it
    // went through a Float32Array, so the features stay bit-identical to those the models were trained on.
    const input = this.spectrum.input;
    for (let i = 0; i < SPECTRUM_FRAME; i++) {
      const v = frame[off + i];
      sq += v * v;
      input[i] = Math.fround(v * this.window[i]);
    }
    const rms = Math.sqrt(sq / SPECTRUM_FRAME);
    store.rmsDb[s] = 20 * Math.log10(rms > 1e-10 ? rms : 1e-10);
    this.spectrum.computeFromInput(this.windowEnergy, this.power);
    logMelEnergies(this.power, this.logMelBank, LOG_FLOOR, store.logMel, s * LOGMEL_BANDS);
    logMelEnergies(this.power, this.mfccBank, LOG_FLOOR, this.mfccLog);
    this.mfcc.compute(this.mfccLog, store.mfcc, s * MFCC_COEFFS);
    let loud = 0;
    for (let b = 0; b < MFCC_BANDS; b++) loud += Math.exp(LOUDNESS_EXPONENT * this.mfccLog[b]);
    store.loudness[s] = loud;
    const bal = this.balance.compute(this.power);
    store.alphaRatio[s] = bal.alphaRatio;
    store.hammarberg[s] = bal.hammarberg;
    store.slope0to500[s] = bal.slope0to500;
    store.slope500to1500[s] = bal.slope500to1500;
    const p = this.pitch.estimate(frame, rms);
    store.f0[s] = p.f0;
    store.clarity[s] = p.clarity;
    if (frameIndex >= store.count) store.count = frameIndex + 1;
  }
}
