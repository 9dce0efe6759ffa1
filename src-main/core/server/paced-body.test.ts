import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncryptedMediaStore } from '../crypto/media-store.js';
import { tempDir } from '../test-support/make-media.js';
import { mediaReply } from './media-range.js';
import { MEDIA_PACING, type PaceClock, paced } from './paced-body.js';

const MiB = 2 ** 20;

/** A clock that only moves when the pacer sleeps, recording each sleep. */
function fakeClock(): PaceClock & { t: number; sleeps: number[] } {
  const c = {
    t: 0,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

/** A source of `n` pieces of `size` bytes that records how many were taken from it and whether it was closed. */
function source(n: number, size: number) {
  const state = { taken: 0, closed: false };
  async function* gen(): AsyncGenerator<Buffer> {
    try {
      for (let i = 0; i < n; i++) {
        state.taken++;
        yield Buffer.alloc(size, i);
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, it: gen() };
}

describe('paced media bodies', () => {
  it('sends the burst at once, then no faster than the rate, taking a piece from the source only when it is due', async () => {
    const clock = fakeClock();
    const src = source(8, MiB);
    const out = paced(src.it, { burstBytes: 2 * MiB, bytesPerSecond: 4 * MiB }, 8 * MiB, clock);
    const got: number[] = [];
    for await (const b of out) {
      got.push(b[0]);
      // Never more than the burst plus what the rate allows by now has been taken from the source.
      expect(src.state.taken * MiB).toBeLessThanOrEqual(2 * MiB + (clock.t / 1000) * 4 * MiB + MiB);
    }
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // 8 MiB: the first 3 pieces at once (the third starts at the burst's end), then one every 250 ms.
    expect(clock.sleeps).toEqual([250, 250, 250, 250, 250]);
    expect(clock.t).toBe(1250);
    expect(src.state.closed).toBe(true);
  });

  it('closes the source when the player drops the connection, without reading further', async () => {
    const clock = fakeClock();
    const src = source(100, MiB);
    const out = paced(src.it, { burstBytes: 2 * MiB, bytesPerSecond: 4 * MiB }, 100 * MiB, clock);
    let n = 0;
    for await (const _ of out) if (++n === 3) break;
    expect(src.state.taken).toBe(3);
    expect(src.state.closed).toBe(true);
  });

  it('a range smaller than the burst goes out without any wait', async () => {
    const clock = fakeClock();
    const src = source(3, 512 * 1024);
    const parts: Buffer[] = [];
    for await (const b of paced(src.it, { burstBytes: 2 * MiB, bytesPerSecond: MiB }, Infinity, clock)) parts.push(b);
    expect(Buffer.concat(parts).length).toBe(1.5 * MiB);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('a paced media answer', () => {
  it('delivers an encrypted recording larger than the burst in full, byte for byte, to the last byte', async () => {
    const store = new EncryptedMediaStore({ id: randomBytes(16), key: randomBytes(32) });
    const plain = randomBytes(MEDIA_PACING.burstBytes * 2 + 12_345);
    const file = path.join(tempDir(), 'recording.webm');
    const w = await store.create(file);
    await w.write(plain);
    await w.close();
    for (const [range, from] of [['bytes=0-', 0], ['bytes=777-', 777], [undefined, 0]] as const) {
      const reply = mediaReply(await store.open(file), 'recording.webm', range);
      const parts: Buffer[] = [];
      for await (const b of reply.body!) parts.push(b as Buffer);
      expect(Number(reply.headers['content-length'])).toBe(plain.length - from);
      expect(Buffer.concat(parts).equals(plain.subarray(from)), String(range)).toBe(true);
    }
    await store.close();
  });
});
