/**
 * Holds the recent stretch of an unbounded sample stream, addressed by absolute sample index. Old samples are
 * dropped on request, so a stream of any length keeps only what pending windows still need.
 */
export class SampleBuffer {
  private data: Float32Array;
  private start = 0; // absolute index of data[0]
  private length = 0;

  constructor(initialCapacity = 65536) {
    this.data = new Float32Array(initialCapacity);
  }

  /** Absolute index one past the last sample received. */
  get end(): number {
    return this.start + this.length;
  }

  append(block: Float32Array): void {
    if (this.length + block.length > this.data.length) {
      const bigger = new Float32Array(Math.max(this.data.length * 2, this.length + block.length));
      bigger.set(this.data.subarray(0, this.length));
      this.data = bigger;
    }
    this.data.set(block, this.length);
    this.length += block.length;
  }

  /** Forgets samples before absolute index `index`. */
  dropBefore(index: number): void {
    const n = Math.min(this.length, index - this.start);
    if (n <= 0) return;
    this.data.copyWithin(0, n, this.length);
    this.start += n;
    this.length -= n;
  }

  /** Copy of samples [from, to); positions before 0 or before the stream read as zeros (silence). */
  read(from: number, to: number, out: Float32Array = new Float32Array(to - from)): Float32Array {
    if (from < this.start && from >= 0) throw new Error(`Samples from ${from} were already dropped`);
    if (to > this.end) throw new Error(`Samples up to ${to} have not arrived`);
    const lead = Math.max(0, -from);
    out.fill(0, 0, lead);
    out.set(this.data.subarray(from + lead - this.start, to - this.start), lead);
    return out;
  }
}
