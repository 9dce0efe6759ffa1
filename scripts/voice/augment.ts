/** Seeded waveform augmentation for training dumps: the same seed gives the same copies on every machine. */

/** Seeded generator shared with the model fixtures, so augmentation is reproducible. */
export { mulberry32 as prng } from '../../src-shared/seeded-random.js';
import { gaussian, uniformIn as uniform } from '../../src-shared/seeded-random.js';
import { inRoom, type RoomConfig } from './room.js';

export interface AugmentConfig {
  speed: [number, number];
  gainDb: [number, number];
  noiseProb: number;
  /** Noise RMS, dB re full scale. */
  noiseDbfs: [number, number];
  /** Generated rooms (a dump variant); drawn from their own generator so the other draws stay as without them. */
  room?: RoomConfig;
}

/**
 * One augmented copy: speed change by linear resampling (tempo and pitch together, like a faster or slower
 * talker), a generated room when the config has one, a gain change, and white or pink-ish noise at a random
 * level, as a room or a cheap microphone adds.
 */
export function augment(x: Float32Array, cfg: AugmentConfig, rand: () => number, roomRand?: () => number, rate = 16000): Float32Array {
  const speed = uniform(rand, cfg.speed);
  const n = Math.floor(x.length / speed);
  let out: Float32Array = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const pos = i * speed;
    const j = Math.floor(pos);
    const f = pos - j;
    out[i] = j + 1 < x.length ? x[j] * (1 - f) + x[j + 1] * f : x[Math.min(j, x.length - 1)];
  }
  // The room before the microphone's gain and noise, as in a real recording.
  if (cfg.room && roomRand) out = inRoom(out, cfg.room, rate, roomRand);
  const gain = 10 ** (uniform(rand, cfg.gainDb) / 20);
  for (let i = 0; i < n; i++) out[i] *= gain;
  if (rand() < cfg.noiseProb) {
    const level = 10 ** (uniform(rand, cfg.noiseDbfs) / 20);
    const pink = rand() < 0.5;
    // Pink-ish noise: white noise through a one-pole low-pass, rescaled to unit RMS.
    let state = 0;
    const noise = new Float32Array(n);
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const w = gaussian(rand);
      state = pink ? 0.97 * state + w : w;
      noise[i] = state;
      sq += state * state;
    }
    const scale = level / Math.sqrt(sq / n || 1);
    for (let i = 0; i < n; i++) out[i] += noise[i] * scale;
  }
  for (let i = 0; i < n; i++) out[i] = Math.max(-1, Math.min(1, out[i]));
  return out;
}
