/**
 * Generated rooms for training dumps: a synthetic room impulse response (a direct path, then Gaussian noise under
 * an exponential decay, the statistical model of a diffuse reverberant tail) convolved with the clip. RAVDESS was
 * recorded in a studio; users record in offices and clinic rooms, so the voice model should hear some reverberation.
 */
import FFT from 'fft.js';
import { gaussian, uniformIn } from '../../src-shared/seeded-random.js';

export interface RoomConfig {
  /** Share of augmented copies that get a room. */
  prob: number;
  /** Reverberation time (60 dB decay), seconds. */
  rt60: [number, number];
  /** Direct-to-reverberant energy ratio, dB: high is a close microphone, low a far one. */
  drrDb: [number, number];
}

/** Length of the tail kept: until it has decayed by 60 dB, at most 1 s. */
function tailSamples(rt60: number, rate: number): number {
  return Math.min(rate, Math.max(1, Math.round(rt60 * rate)));
}

/**
 * A room impulse response: h[0] = 1 (the direct sound), then after a pre-delay of 2–10 ms (the first reflections'
 * extra path) noise whose energy falls by 60 dB over `rt60`, scaled so the direct sound has `drrDb` more energy
 * than the whole tail.
 */
export function syntheticRir(rt60: number, drrDb: number, rate: number, rand: () => number): Float32Array {
  const preDelay = Math.round((0.002 + 0.008 * rand()) * rate);
  const tail = tailSamples(rt60, rate);
  const h = new Float32Array(preDelay + tail);
  // Amplitude decays as exp(-6.9 t / rt60): energy falls 60 dB (ln 10^3 ≈ 6.91) in rt60.
  const k = Math.log(1000) / (rt60 * rate);
  let energy = 0;
  for (let i = 0; i < tail; i++) {
    const v = gaussian(rand) * Math.exp(-k * i);
    h[preDelay + i] = v;
    energy += v * v;
  }
  const scale = Math.sqrt(10 ** (-drrDb / 10) / (energy || 1));
  for (let i = preDelay; i < h.length; i++) h[i] *= scale;
  h[0] = 1;
  return h;
}

const nextPow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(2, n)));

/** x convolved with h by FFT, cut to x's length (the clip keeps its duration and its frame count). */
export function convolve(x: Float32Array, h: Float32Array): Float32Array {
  const size = nextPow2(x.length + h.length - 1);
  const fft = new FFT(size);
  const spectrum = (s: Float32Array): number[] => {
    const input = new Array<number>(size).fill(0);
    for (let i = 0; i < s.length; i++) input[i] = s[i];
    const out = fft.createComplexArray() as number[];
    fft.realTransform(out, input);
    fft.completeSpectrum(out);
    return out;
  };
  const X = spectrum(x);
  const H = spectrum(h);
  const Y = fft.createComplexArray() as number[];
  for (let i = 0; i < size; i++) {
    const [a, b, c, d] = [X[2 * i], X[2 * i + 1], H[2 * i], H[2 * i + 1]];
    Y[2 * i] = a * c - b * d;
    Y[2 * i + 1] = a * d + b * c;
  }
  const y = fft.createComplexArray() as number[];
  fft.inverseTransform(y, Y);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = y[2 * i];
  return out;
}

/** Root mean square of a signal (0 for an empty one). */
export function rms(s: Float32Array): number {
  return Math.sqrt(s.reduce((acc, v) => acc + v * v, 0) / (s.length || 1));
}

/** The clip in a room drawn from `cfg`, at the dry clip's RMS (level is the gain step's job), or the clip itself. */
export function inRoom(x: Float32Array, cfg: RoomConfig, rate: number, rand: () => number): Float32Array {
  if (rand() >= cfg.prob) return x;
  const rt60 = uniformIn(rand, cfg.rt60);
  const drr = uniformIn(rand, cfg.drrDb);
  const wet = convolve(x, syntheticRir(rt60, drr, rate, rand));
  const scale = rms(x) / (rms(wet) || 1);
  for (let i = 0; i < wet.length; i++) wet[i] *= scale;
  return wet;
}
