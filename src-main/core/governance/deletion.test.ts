import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../../src-shared/contract/index.js';
import { createSegment } from '../../../src-shared/labels/segments.js';
import { type AppCore, createCore } from '../app-core.js';
import { directClient } from '../rpc/direct-client.js';
import { runCli } from '../cli.js';
import { ALL_SCOPES, giveConsent, operatorCtx } from '../test-support/governance.js';
import { makeWebm, tempDir } from '../test-support/make-media.js';
import { seedReviewSession } from '../test-support/seed-review.js';

let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function call<M extends MethodName>(c: AppCore, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  return directClient(c, operatorCtx(c)).call(method, input);
}

/** Every regular file under a folder (db, -wal, -shm, session folders, exports), recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/** Files under `dir` whose bytes contain `text` (UTF-8, as SQLite stores it, or UTF-16 as a precaution). */
function filesContaining(dir: string, text: string): string[] {
  const needles = [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le')];
  return filesUnder(dir).filter((f) => {
    const bytes = readFileSync(f);
    return needles.some((n) => bytes.includes(n));
  });
}

const CODE = 'P-ERASE-7QX';
const SESSION_NOTE = 'Mentions her neighbour Mrs Halvorsen';
const LABEL_NOTE = 'tearful when recalling the accident';

/** A participant with everything the app can store about them, and one to keep. */
async function populated(c: AppCore, dataDir: string): Promise<{ erase: number; keep: number; sessionIds: number[] }> {
  const seeded = await seedReviewSession(c.services.db, dataDir, { participantCode: CODE, durationMs: 3000, video: true });
  const erase = c.services.sessions.get(seeded.sessionId).participantId;
  await call(c, 'sessions.updateNote', { id: seeded.sessionId, note: SESSION_NOTE });
  const tier = await call(c, 'labels.addTier', { sessionId: seeded.sessionId, rater: 'Rater A' });
  await call(c, 'labels.apply', { tierId: tier.id, action: 'create', changeset: createSegment([], { inMs: 0, outMs: 900 }, 'sad', () => 'seg-erase', LABEL_NOTE) });
  // A second session with an imported clip, and an export of both into the data folder (the app's default place).
  const second = await call(c, 'sessions.create', { participantId: erase, protocol: 'Follow-up', note: `${SESSION_NOTE} again` });
  const clip = readFileSync(await makeWebm(path.join(tempDir(), 'c.webm'), 1));
  const { uploadId } = await call(c, 'media.importBegin', { sessionId: second.id, fileName: `${CODE} visit.webm`, size: clip.byteLength });
  await call(c, 'media.importChunk', { uploadId, seq: 0, data: new Uint8Array(clip) });
  await call(c, 'media.importFinish', { uploadId });
  const exported = await call(c, 'export.sessions', { sessionIds: [seeded.sessionId] });
  expect(exported.files.length).toBeGreaterThanOrEqual(3);

  const keep = await call(c, 'participants.create', { code: 'P-KEEP', consent: { scopes: ALL_SCOPES, takenOn: '2026-01-05' } });
  await call(c, 'sessions.create', { participantId: keep.id, protocol: 'Baseline', note: 'keep this note' });
  return { erase, keep: keep.id, sessionIds: [seeded.sessionId, second.id] };
}

describe('deleting a participant', () => {
  it('leaves neither the code nor a note anywhere in the data folder, and keeps the audit of it by id', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const { erase, sessionIds } = await populated(core, dataDir);
    // Everything is there to start with (the test would prove nothing otherwise).
    expect(filesContaining(dataDir, CODE).length).toBeGreaterThan(0);
    expect(filesContaining(dataDir, LABEL_NOTE).length).toBeGreaterThan(0);

    const preview = await call(core, 'participants.deletePreview', { participantId: erase });
    expect(preview).toMatchObject({ participantCode: CODE, sessions: 2, mediaFiles: 2, analysisRuns: 1, labelSegments: 1, consentRecords: 1, exportFolders: 1 });
    await expect(call(core, 'participants.delete', { participantId: erase, confirmCode: 'P-OTHER' })).rejects.toThrow(/Type the participant's code/);
    const done = await call(core, 'participants.delete', { participantId: erase, confirmCode: CODE.toLowerCase() });
    expect(done).toMatchObject({ sessions: 2, mediaFiles: 2 });
    for (const id of sessionIds) expect(existsSync(path.join(dataDir, 'sessions', String(id)))).toBe(false);
    expect(readdirSync(path.join(dataDir, 'exports'))).toEqual([]);

    // Searched while the app is still open (db, -wal and -shm all present), and again after it closed.
    for (const text of [CODE, SESSION_NOTE, LABEL_NOTE]) expect(filesContaining(dataDir, text), text).toEqual([]);
    await core.close();
    core = null;
    for (const text of [CODE, SESSION_NOTE, LABEL_NOTE]) expect(filesContaining(dataDir, text), text).toEqual([]);
    // The other participant is untouched.
    expect(filesContaining(dataDir, 'keep this note')).toHaveLength(1);

    core = await createCore({ dataDir });
    const audit = await call(core, 'audit.list', { action: 'participant.delete' });
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({ participantId: erase, participantCode: null, operatorName: 'Test Operator', detail: { sessions: 2, mediaFiles: 2, labelSegments: 1, sessionIds } });
    expect(await call(core, 'audit.verify', {})).toMatchObject({ ok: true });
    expect(core.services.participants.list().map((p) => p.code)).toEqual(['P-KEEP']);
  }, 60_000);

  it('deletes single sessions from the command line only with --yes, and refuses a session being recorded', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const { sessionIds, keep } = await populated(core, dataDir);
    const recording = await call(core, 'sessions.create', { participantId: keep, protocol: 'Live' });
    await call(core, 'recording.start', { sessionId: recording.id, mimeType: 'video/webm' });
    await expect(call(core, 'sessions.delete', { sessionIds: [recording.id] })).rejects.toThrow(/being recorded; stop the recording first/);
    await call(core, 'recording.stop', { sessionId: recording.id });
    const ctx = operatorCtx(core);
    await core.close();
    core = null;

    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    const args = ['sessions', 'delete', String(sessionIds[0]), '--data-dir', dataDir, '--operator', String(ctx.operatorId)];
    expect(await runCli(args, io)).toBe(2);
    expect(err.join('\n')).toMatch(/removes 1 session\(s\), 1 media file\(s\), 1 analysis run\(s\), 1 label segment\(s\), 1 export folder\(s\).*add --yes/);
    expect(existsSync(path.join(dataDir, 'sessions', String(sessionIds[0])))).toBe(true);
    expect(await runCli([...args, '--yes'], io)).toBe(0);
    expect(out.at(-1)).toMatch(new RegExp(`^ok\tsessions\t${sessionIds[0]}\t`));
    expect(existsSync(path.join(dataDir, 'sessions', String(sessionIds[0])))).toBe(false);
    expect(filesContaining(dataDir, LABEL_NOTE)).toEqual([]);
    // The participant and their other session stay.
    expect(filesContaining(dataDir, `${SESSION_NOTE} again`).length).toBeGreaterThan(0);
    expect(statSync(path.join(dataDir, 'sessions', String(sessionIds[1]))).isDirectory()).toBe(true);

    expect(await runCli(['participants', 'delete', CODE, '--data-dir', dataDir, '--operator', String(ctx.operatorId), '--yes'], io)).toBe(0);
    expect(filesContaining(dataDir, CODE)).toEqual([]);
  }, 60_000);
});

describe('retention', () => {
  it('lists sessions past their participant’s retention date and purges only those, audited', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const ctx = operatorCtx(core);
    const old = core.services.participants.create('P-OLD');
    giveConsent(core, old.id, ALL_SCOPES, '2020-12-31');
    const current = core.services.participants.create('P-NOW');
    giveConsent(core, current.id, ALL_SCOPES, '2999-01-01');
    const a = core.services.sessions.create({ participantId: old.id, protocol: 'x', operatorId: ctx.operatorId, note: '' });
    const b = core.services.sessions.create({ participantId: current.id, protocol: 'x', operatorId: ctx.operatorId, note: '' });
    const due = await call(core, 'retention.due', {});
    expect(due).toEqual([expect.objectContaining({ sessionId: a.id, participantCode: 'P-OLD', retainUntil: '2020-12-31' })]);
    await expect(call(core, 'retention.purge', { sessionIds: [a.id, b.id] })).rejects.toThrow(`Not past their retention date: session ${b.id}`);
    expect(await call(core, 'retention.purge', { sessionIds: [a.id] })).toMatchObject({ sessions: 1 });
    expect(core.services.sessions.list().map((s) => s.id)).toEqual([b.id]);
    expect((await call(core, 'audit.list', { action: 'retention.purge' })).entries).toEqual([expect.objectContaining({ sessionId: a.id, participantId: old.id })]);
  });
});
