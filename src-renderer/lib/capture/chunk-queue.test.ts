import { describe, expect, it } from 'vitest';
import { ChunkQueue, type ChunkSource } from './chunk-queue.js';

const chunk = (bytes: number[], delayMs = 0): ChunkSource => ({
  size: bytes.length,
  arrayBuffer: () => new Promise((r) => setTimeout(() => r(new Uint8Array(bytes).buffer), delayMs)),
});

describe('ChunkQueue', () => {
  it('sends chunks one at a time, in push order, numbered from 0, even when reading a later chunk is faster', async () => {
    const sent: { seq: number; data: number[] }[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const q = new ChunkQueue(async (seq, data) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      sent.push({ seq, data: [...data] });
      inFlight--;
    }, () => {});
    q.push(chunk([1, 1], 20));
    q.push(chunk([2], 0));
    q.push(chunk([3, 3, 3], 5));
    await q.drain();
    expect(sent).toEqual([
      { seq: 0, data: [1, 1] },
      { seq: 1, data: [2] },
      { seq: 2, data: [3, 3, 3] },
    ]);
    expect(maxInFlight).toBe(1);
    expect(q.sent).toBe(3);
  });

  it('skips empty chunks without using a sequence number', async () => {
    const seqs: number[] = [];
    const q = new ChunkQueue(async (seq) => void seqs.push(seq), () => {});
    q.push(chunk([1]));
    q.push(chunk([]));
    q.push(chunk([2]));
    await q.drain();
    expect(seqs).toEqual([0, 1]);
  });

  it('after a failed send sends nothing more, reports the failure once and drain rejects with it', async () => {
    const seqs: number[] = [];
    const failures: Error[] = [];
    const q = new ChunkQueue(async (seq) => {
      if (seq === 1) throw new Error('disk full');
      seqs.push(seq);
    }, (e) => failures.push(e));
    for (let i = 0; i < 4; i++) q.push(chunk([i]));
    await expect(q.drain()).rejects.toThrow('disk full');
    q.push(chunk([9]));
    await expect(q.drain()).rejects.toThrow('disk full');
    expect(seqs).toEqual([0]);
    expect(failures.map((f) => f.message)).toEqual(['disk full']);
    expect(q.sent).toBe(1);
  });
});
