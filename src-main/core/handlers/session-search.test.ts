import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput } from '../../../src-shared/contract/index.js';
import { createSegment } from '../../../src-shared/labels/segments.js';
import { type AppCore, createCore } from '../app-core.js';
import { operatorCtx } from '../test-support/governance.js';
import { directClient } from '../rpc/direct-client.js';
import type { Call } from '../../../src-shared/client/contract-client.js';
import { tempDir } from '../test-support/make-media.js';

let core: AppCore;

/** Requests go through the contract, as from the app (src-main/core/rpc/direct-client.ts), as the test's operator. */
const call: Call = (method, input) => directClient(core, operatorCtx(core)).call(method, input);

beforeEach(async () => {
  core = await createCore({ dataDir: tempDir() });
});
afterEach(async () => {
  await core.close();
});

describe('sessions.search', () => {
  it('filters by participant, protocol, date and labelled state, newest first', async () => {
    const p1 = await call('participants.create', { code: 'P01' });
    const p2 = await call('participants.create', { code: 'P02' });
    const a = await call('sessions.create', { participantId: p1.id, protocol: 'Baseline interview' });
    const b = await call('sessions.create', { participantId: p1.id, protocol: 'Follow-up 50%' });
    const c = await call('sessions.create', { participantId: p2.id, protocol: 'Baseline interview' });
    const started = { [a.id]: '2026-01-10T10:00:00.000Z', [b.id]: '2026-02-01T10:00:00.000Z', [c.id]: '2026-02-03T23:30:00.000Z' };
    for (const [id, at] of Object.entries(started)) core.services.sessions.markRecording(Number(id), at);
    const tier = await call('labels.addTier', { sessionId: c.id, rater: 'RA' });
    await call('labels.apply', { tierId: tier.id, action: 'create', changeset: createSegment([], { inMs: 0, outMs: 100 }, 'happy', () => 'x1') });
    await call('labels.addTier', { sessionId: a.id, rater: 'RB' });

    const ids = async (f: MethodInput<'sessions.search'>) => (await call('sessions.search', f)).map((s) => s.id);
    expect(await ids({})).toEqual([c.id, b.id, a.id]);
    expect(await ids({ participantId: p1.id })).toEqual([b.id, a.id]);
    expect(await ids({ protocol: 'baseline' })).toEqual([c.id, a.id]);
    // LIKE wildcards in the text are matched literally.
    expect(await ids({ protocol: '50%' })).toEqual([b.id]);
    expect(await ids({ protocol: '%' })).toEqual([b.id]);
    expect(await ids({ from: '2026-02-01T00:00:00+00:00', to: '2026-02-03T00:00:00Z' })).toEqual([b.id]);
    expect(await ids({ from: '2026-02-03T23:00:00Z' })).toEqual([c.id]);
    // A tier without segments does not make a session labelled.
    expect(await ids({ labelled: true })).toEqual([c.id]);
    expect(await ids({ labelled: false })).toEqual([b.id, a.id]);
    expect(await ids({ rater: 'rb' })).toEqual([a.id]);
    const row = (await call('sessions.search', { labelled: true }))[0];
    expect(row).toMatchObject({ participantCode: 'P02', labelSegments: 1, raters: ['RA'] });
    expect(await call('sessions.protocols', {})).toEqual(['Baseline interview', 'Follow-up 50%']);
    await expect(call('sessions.search', { from: 'yesterday' })).rejects.toThrow(/ISO 8601/);
  });
});
