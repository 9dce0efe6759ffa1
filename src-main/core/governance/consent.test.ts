import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../../src-shared/contract/index.js';
import { type AppCore, createCore } from '../app-core.js';
import { directClient } from '../rpc/direct-client.js';
import type { CallContext } from '../rpc/dispatch.js';
import { operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';
import { seedReviewSession } from '../test-support/seed-review.js';

let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function call<M extends MethodName>(c: AppCore, method: M, input: MethodInput<M>, ctx: CallContext = operatorCtx(c)): Promise<MethodOutput<M>> {
  return directClient(c, ctx).call(method, input);
}

const refusal = (message: RegExp) => expect.objectContaining({ code: 'forbidden', message: expect.stringMatching(message) });

describe('operators', () => {
  it('refuses audited requests until a profile is chosen, then remembers the choice on this machine', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const window = { clientId: 'window-1' };
    await expect(call(core, 'participants.create', { code: 'P1' }, window)).rejects.toEqual(refusal(/Choose who is using Affect Studio/));
    expect(await call(core, 'operators.current', {}, window)).toEqual({ current: null, remembered: null });
    // The first profile can be made before any is chosen; it is then its own actor.
    const ada = await call(core, 'operators.create', { displayName: '  Dr Ada  ', role: 'clinician' }, window);
    expect(ada).toMatchObject({ displayName: 'Dr Ada', role: 'clinician' });
    await expect(call(core, 'operators.create', { displayName: 'dr ada', role: 'admin' }, window)).rejects.toThrow(/already exists/);
    await call(core, 'operators.select', { id: ada.id }, window);
    expect(await call(core, 'participants.create', { code: 'P1' }, window)).toMatchObject({ code: 'P1', consent: { status: 'not_recorded' } });
    const session = await call(core, 'sessions.create', { participantId: 1, protocol: 'Screening' }, window);
    expect(session).toMatchObject({ operatorId: ada.id, operator: 'Dr Ada' });
    await core.close();
    // Next start: the window is new, the choice is offered again.
    core = await createCore({ dataDir });
    expect(await call(core, 'operators.current', {}, { clientId: 'window-2' })).toEqual({ current: null, remembered: expect.objectContaining({ id: ada.id }) });
  });
});

describe('consent', () => {
  it('is versioned: updates and withdrawals are new records, never edits', async () => {
    core = await createCore({ dataDir: tempDir() });
    const p = await call(core, 'participants.create', { code: 'P-C1' });
    expect(p.consent).toEqual({ status: 'not_recorded', scopes: { video: false, audio: false, analysis: false, research: false }, version: null, retainUntil: null });
    const v1 = await call(core, 'consent.record', {
      participantId: p.id,
      consent: { scopes: { video: true, audio: true, analysis: true, research: false }, takenOn: '2026-03-01', formRef: 'ICF v2.1', retainUntil: '2031-03-01' },
    });
    expect(v1.consent).toMatchObject({ status: 'given', version: 1, retainUntil: '2031-03-01', scopes: { research: false } });
    await call(core, 'consent.withdraw', { participantId: p.id, takenOn: '2026-04-01' });
    await expect(call(core, 'consent.withdraw', { participantId: p.id, takenOn: '2026-04-02' })).rejects.toThrow(/no consent in force/);
    const history = await call(core, 'consent.history', { participantId: p.id });
    expect(history.map((h) => [h.version, h.kind, h.takenOn, h.takenByName])).toEqual([
      [1, 'given', '2026-03-01', 'Test Operator'],
      [2, 'withdrawn', '2026-04-01', 'Test Operator'],
    ]);
    expect(history[0]).toMatchObject({ formRef: 'ICF v2.1', scopes: { video: true } });
    await expect(call(core, 'consent.record', { participantId: p.id, consent: { scopes: { video: true, audio: true, analysis: true, research: true }, takenOn: '2026-02-30' } })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    // Even from outside the app a record cannot be edited.
    const db = new Database(path.join(core.services.dataDir, 'affect-studio.sqlite'));
    expect(() => db.prepare('UPDATE consent_record SET research = 1').run()).toThrow(/never edited/);
    db.close();
  });

  it('stops recording of any medium the participant did not agree to, naming what is missing', async () => {
    core = await createCore({ dataDir: tempDir() });
    const none = await call(core, 'participants.create', { code: 'P-NONE' });
    const s1 = await call(core, 'sessions.create', { participantId: none.id, protocol: 'x' });
    await expect(call(core, 'recording.start', { sessionId: s1.id, mimeType: 'video/webm' })).rejects.toEqual(
      refusal(/^Cannot record video and audio: participant P-NONE has no consent for video recording and audio recording \(consent not recorded/),
    );
    const audioOnly = await call(core, 'participants.create', {
      code: 'P-AUDIO',
      consent: { scopes: { video: false, audio: true, analysis: true, research: false }, takenOn: '2026-01-01' },
    });
    const s2 = await call(core, 'sessions.create', { participantId: audioOnly.id, protocol: 'x' });
    await expect(call(core, 'recording.start', { sessionId: s2.id, mimeType: 'video/webm' })).rejects.toEqual(refusal(/no consent for video recording\.$/));
    // Keeping only the audio is allowed, and needs an audio-only container.
    await expect(call(core, 'recording.start', { sessionId: s2.id, mimeType: 'video/webm', keep: { video: false, audio: true } })).rejects.toThrow(/audio\/webm/);
    expect(await call(core, 'recording.start', { sessionId: s2.id, mimeType: 'audio/webm;codecs=opus', keep: { video: false, audio: true } })).toMatchObject({
      status: 'recording',
      keep: { video: false, audio: true },
    });
    // Live analysis (preview included) needs consent to automated analysis.
    const frame = { tMs: 0, width: 2, height: 2, rgba: new Uint8Array(16) };
    await expect(call(core, 'face.analyzeFrames', { sessionId: s1.id, frames: [frame] })).rejects.toEqual(refusal(/Cannot analyse live: participant P-NONE has no consent for automated analysis/));
    expect(core.services.sessions.get(s1.id).status).toBe('created');
  });

  it('refuses offline analysis and export without consent, and everything after a withdrawal', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const seeded = await seedReviewSession(core.services.db, dataDir, { participantCode: 'P-SEED', durationMs: 2000 });
    const pid = core.services.sessions.get(seeded.sessionId).participantId;
    // Analysis only: export (research use) is refused, the batch export names the session it skipped.
    await call(core, 'consent.record', { participantId: pid, consent: { scopes: { video: true, audio: true, analysis: true, research: false }, takenOn: '2026-01-02' } });
    await expect(call(core, 'export.sessions', { sessionIds: [seeded.sessionId], outDir: tempDir() })).rejects.toEqual(
      refusal(new RegExp(`Cannot export session ${seeded.sessionId}: participant P-SEED has no consent for research use of exported data`)),
    );
    await expect(call(core, 'labels.exportCsv', { sessionIds: [seeded.sessionId] })).rejects.toEqual(refusal(/research use of exported data/));
    const batch = await call(core, 'export.sessions', { sessionIds: [seeded.sessionId, seeded.sessionId + 100], outDir: tempDir() });
    expect(batch.skipped.map((x) => x.sessionId)).toContain(seeded.sessionId);
    await call(core, 'consent.withdraw', { participantId: pid, takenOn: '2026-02-01' });
    await expect(call(core, 'analysis.start', { sessionId: seeded.sessionId })).rejects.toEqual(refusal(/automated analysis \(consent was withdrawn\)/));
  });
});
