/**
 * A waveform for Review of an audio-only clip: the minimum and maximum sample in each of `buckets` equal
 * slices of the file, decoded at 16 kHz mono (enough to draw; the player plays the file itself). Kept per
 * file (and its modification time) while the app runs: drawing at another width asks for other buckets of
 * the same decoded peaks.
 */
import { statSync } from 'node:fs';
import { decodeAudio16k, DECODE_SAMPLE_RATE } from './audio-decode.js';

/** Peaks are computed once per file at this resolution (10 ms), then merged into the buckets asked for. */
const STEP = DECODE_SAMPLE_RATE / 100;
const cache = new Map<string, { mtimeMs: number; min: Float32Array; max: Float32Array }>();

async function fine(file: string): Promise<{ min: Float32Array; max: Float32Array }> {
  const mtimeMs = statSync(file).mtimeMs;
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit;
  const mins: number[] = [];
  const maxs: number[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  let n = 0;
  for await (const block of decodeAudio16k(file)) {
    for (const v of block) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (++n === STEP) {
        mins.push(lo);
        maxs.push(hi);
        lo = Infinity;
        hi = -Infinity;
        n = 0;
      }
    }
  }
  if (n > 0) {
    mins.push(lo);
    maxs.push(hi);
  }
  const entry = { mtimeMs, min: Float32Array.from(mins), max: Float32Array.from(maxs) };
  if (cache.size > 16) cache.delete(cache.keys().next().value!);
  cache.set(file, entry);
  return entry;
}

export interface Waveform {
  /** Length of audio the peaks cover, ms. */
  durationMs: number;
  min: number[];
  max: number[];
}

export async function waveform(file: string, buckets: number): Promise<Waveform> {
  const f = await fine(file);
  const count = f.min.length;
  const b = Math.max(1, Math.min(buckets, count || 1));
  const min: number[] = [];
  const max: number[] = [];
  for (let i = 0; i < b; i++) {
    const from = Math.floor((i * count) / b);
    const to = Math.max(from + 1, Math.floor(((i + 1) * count) / b));
    let lo = 0;
    let hi = 0;
    for (let j = from; j < Math.min(to, count); j++) {
      lo = Math.min(lo, f.min[j]);
      hi = Math.max(hi, f.max[j]);
    }
    min.push(Math.round(lo * 1000) / 1000);
    max.push(Math.round(hi * 1000) / 1000);
  }
  return { durationMs: (count * STEP * 1000) / DECODE_SAMPLE_RATE, min, max };
}
