/**
 * Seeded pseudo-random numbers (mulberry32) for what must come out the same on every run: pairings and splits in
 * the evaluation scripts, fixture inputs, synthetic test media. Not for anything secret.
 */

/** 32-bit unsigned integers from a 32-bit seed. */
export function mulberry32u32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Numbers in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  const next = mulberry32u32(seed);
  return () => next() / 4294967296;
}

/** A standard normal draw (Box–Muller) from two numbers of rand. */
export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** A number drawn uniformly from [a, b). */
export function uniformIn(rand: () => number, [a, b]: readonly [number, number]): number {
  return a + (b - a) * rand();
}

/** A Fisher–Yates shuffle of a copy of xs, driven by rand. */
export function seededShuffle<T>(xs: readonly T[], rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
