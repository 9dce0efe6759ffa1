import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../../src-shared/contract/index.js';
import { type AppCore, createCore } from '../app-core.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';

let core: AppCore;
let dataDir: string;

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const r = await core.handle(method, input, operatorCtx(core));
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as MethodOutput<M>;
}

const failed = (o: Partial<Record<'present' | 'size' | 'centring' | 'brightness' | 'contrast' | 'sharpness', number>> = {}) => ({
  present: 0,
  size: 0,
  centring: 0,
  brightness: 0,
  contrast: 0,
  sharpness: 0,
  ...o,
});

beforeEach(async () => {
  dataDir = tempDir();
  core = await createCore({ dataDir });
});
afterEach(async () => {
  await core.close();
});

async function recordedSession(): Promise<number> {
  const s = await call('sessions.create', { participantId: consentedParticipant(core, 'P01'), protocol: 'Interview' });
  await call('recording.start', { sessionId: s.id, mimeType: 'video/webm;codecs=vp8,opus' });
  return s.id;
}

describe('framing shares of a session', () => {
  it('stores the latest cumulative report as shares of the recorded time, in its own table', async () => {
    const id = await recordedSession();
    expect(await call('framing.get', { sessionId: id })).toBeNull();
    await call('framing.report', { sessionId: id, totals: { totalMs: 5000, failedMs: failed({ size: 1000 }) } });
    const r = await call('framing.report', { sessionId: id, totals: { totalMs: 10_000, failedMs: failed({ size: 2500, brightness: 10_000 }) } });
    expect(r.totalMs).toBe(10_000);
    expect(r.failedShare).toEqual(failed({ size: 0.25, brightness: 1 }));
    expect((await call('framing.get', { sessionId: id }))?.failedShare.size).toBe(0.25);
    const db = new Database(path.join(dataDir, 'affect-studio.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM session_framing').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('refuses reports for a session never recorded, and totals that do not add up, keeping what was stored', async () => {
    const fresh = await call('sessions.create', { participantId: consentedParticipant(core, 'P02'), protocol: 'Interview' });
    await expect(call('framing.report', { sessionId: fresh.id, totals: { totalMs: 1000, failedMs: failed() } })).rejects.toMatchObject({ code: 'invalid_input' });
    const id = await recordedSession();
    await call('framing.report', { sessionId: id, totals: { totalMs: 1000, failedMs: failed({ sharpness: 500 }) } });
    await expect(call('framing.report', { sessionId: id, totals: { totalMs: 1000, failedMs: failed({ size: 1500 }) } })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/longer than the total/),
    });
    await expect(call('framing.report', { sessionId: id, totals: { totalMs: -1, failedMs: failed() } })).rejects.toMatchObject({ code: 'invalid_input' });
    expect((await call('framing.get', { sessionId: id }))?.failedShare.sharpness).toBe(0.5);
    await expect(call('framing.get', { sessionId: 999 })).rejects.toMatchObject({ code: 'not_found' });
  });
});
