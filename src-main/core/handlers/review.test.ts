import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppCore, createCore } from '../app-core.js';
import { operatorCtx } from '../test-support/governance.js';
import { directClient } from '../rpc/direct-client.js';
import type { Call } from '../../../src-shared/client/contract-client.js';
import { tempDir } from '../test-support/make-media.js';
import { type SeededSession, seedReviewSession } from '../test-support/seed-review.js';

let core: AppCore;
let seeded: SeededSession;

/** Requests go through the contract, as from the app (src-main/core/rpc/direct-client.ts), as the test's operator. */
const call: Call = (method, input) => directClient(core, operatorCtx(core)).call(method, input);

beforeAll(async () => {
  const dataDir = tempDir();
  core = await createCore({ dataDir });
  seeded = await seedReviewSession(core.services.db, dataDir, { durationMs: 5000, video: true });
});
afterAll(async () => {
  await core.close();
});

describe('review data for a session', () => {
  it('names the recording to play with the frame rate from the container', async () => {
    const media = await call('review.media', { sessionId: seeded.sessionId });
    expect(media).toMatchObject({ fileName: 'recording.webm', hasVideo: true, width: 320, height: 240, fps: 30, fpsSource: 'container' });
  });

  it('returns every stored point when zoomed in, and min/max/mean buckets when the range is wider than the display', async () => {
    const zoomed = await call('review.timeline', { sessionId: seeded.sessionId, fromMs: 0, toMs: 1000, buckets: 800 });
    expect(zoomed.runId).toBe(seeded.runId);
    expect(zoomed.gridStepMs).toBe(100);
    expect(zoomed.fused?.bucketMs).toBeNull();
    expect(zoomed.fused?.points).toBe(10);
    const happy = zoomed.channels.indexOf('happy');
    expect(zoomed.fused?.mean[happy][0]).toBe(0.8);
    // Faces at 30 fps: 30 points in the first second, each reliable and happy.
    expect(zoomed.face?.points).toBe(30);
    expect(zoomed.voice?.points).toBeGreaterThan(0);

    const wide = await call('review.timeline', { sessionId: seeded.sessionId, fromMs: 0, toMs: 5000, buckets: 20 });
    expect(wide.fused?.bucketMs).toBe(250);
    expect(wide.fused?.t).toHaveLength(20);
    expect(wide.face?.points).toBe(150);
    // The middle (2000–3000 ms) has no estimate: shaded, and the buckets there are empty, not zero.
    expect(wide.noEstimate).toEqual([{ startMs: 2000, endMs: 3000 }]);
    expect(wide.fused?.mean[happy][9]).toBeNull();
    expect(wide.episodes.map((e) => e.emotion)).toEqual(['happy', 'sad']);
    const affect = wide.affect!;
    expect(affect.max![0][0]).toBe(0.6);
    expect(affect.min![0][19]).toBe(-0.5);
  });

  it('gives the overlay every face per analysed frame, with box fractions and dominant emotion', async () => {
    const { frames } = await call('review.overlay', { sessionId: seeded.sessionId, runId: seeded.runId, fromMs: 0, toMs: 100 });
    expect(frames.map((f) => Math.round(f.tMs))).toEqual([0, 33, 67]);
    expect(frames[0].faces[0]).toMatchObject({ trackId: 1, participant: true, dominant: 'happy', reliable: true, probability: 0.8 });
    expect(frames[0].faces[0].box.w).toBeCloseTo(96 / 320, 6);
    await expect(call('review.overlay', { sessionId: seeded.sessionId, runId: seeded.runId, fromMs: 0, toMs: 120_000 })).rejects.toThrow(/at most 60 s/);
  });

  it('shows a session without analysis as such, not as "no estimate" everywhere', async () => {
    const p = await call('participants.create', { code: 'P-EMPTY' });
    const s = await call('sessions.create', { participantId: p.id, protocol: 'x' });
    const t = await call('review.timeline', { sessionId: s.id, fromMs: 0, toMs: 1000, buckets: 100 });
    expect(t).toMatchObject({ runId: null, fused: null, noEstimate: [], runs: [] });
    expect(await call('review.media', { sessionId: s.id })).toBeNull();
  });
});

describe('review timeline series selection', () => {
  it('returns only the series asked for, with spans and episodes always', async () => {
    const t = await call('review.timeline', { sessionId: seeded.sessionId, fromMs: 0, toMs: 5000, buckets: 20, include: ['fused'] });
    expect(t.fused).not.toBeNull();
    expect(t.affect).toBeNull();
    expect(t.face).toBeNull();
    expect(t.voice).toBeNull();
    expect(t.noEstimate).toHaveLength(1);
    expect(t.episodes).toHaveLength(2);
  });
});
