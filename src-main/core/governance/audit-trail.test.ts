import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../../src-shared/contract/index.js';
import { createSegment } from '../../../src-shared/labels/segments.js';
import { type AppCore, createCore } from '../app-core.js';
import { directClient } from '../rpc/direct-client.js';
import { runCli } from '../cli.js';
import { openDatabase } from '../store/database.js';
import { migrations } from '../store/migrations/index.js';
import { ALL_SCOPES, operatorCtx } from '../test-support/governance.js';
import { makeWebm, tempDir } from '../test-support/make-media.js';
import { AUDIT_CSV_COLUMNS } from './audit-csv.js';

let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function call<M extends MethodName>(c: AppCore, method: M, input: MethodInput<M>, ctx = operatorCtx(c)): Promise<MethodOutput<M>> {
  return directClient(c, ctx).call(method, input);
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

const NOTE = 'Lives with her sister at 12 Elm Street';
const LABEL_NOTE = 'cried when talking about her mother';
const UPLOAD_NAME = 'Jane Doe 1990-01-01 intake.webm';

/** A data folder with a realistic history: participant, consent, session with a note, an upload, labels. */
async function withHistory(): Promise<{ dataDir: string; operatorId: number }> {
  const dataDir = tempDir();
  const c = await createCore({ dataDir });
  const ctx = operatorCtx(c, 'Dr Ada Example');
  const p = await call(c, 'participants.create', { code: 'P-AUDIT', consent: { scopes: ALL_SCOPES, takenOn: '2026-02-01', formRef: 'ICF v2' } }, ctx);
  const s = await call(c, 'sessions.create', { participantId: p.id, protocol: 'Intake', note: NOTE }, ctx);
  const clip = readFileSync(await makeWebm(path.join(tempDir(), 'x.webm'), 1));
  const { uploadId } = await call(c, 'media.importBegin', { sessionId: s.id, fileName: UPLOAD_NAME, size: clip.byteLength }, ctx);
  await call(c, 'media.importChunk', { uploadId, seq: 0, data: new Uint8Array(clip) }, ctx);
  expect(await call(c, 'media.importFinish', { uploadId }, ctx)).toMatchObject({ ok: true });
  const tier = await call(c, 'labels.addTier', { sessionId: s.id, rater: 'Rater Bob' }, ctx);
  await call(c, 'labels.apply', { tierId: tier.id, action: 'create', changeset: createSegment([], { inMs: 0, outMs: 500 }, 'sad', () => 'seg-1', LABEL_NOTE) }, ctx);
  await call(c, 'sessions.open', { id: s.id }, ctx);
  await c.close();
  return { dataDir, operatorId: ctx.operatorId };
}

/** An outside SQLite client: a separate connection that first drops the app's append-only triggers. */
function tamper(dataDir: string, sql: string): void {
  const db = new Database(path.join(dataDir, 'affect-studio.sqlite'));
  db.exec('DROP TRIGGER IF EXISTS audit_log_append_only_update; DROP TRIGGER IF EXISTS audit_log_append_only_delete;');
  db.exec(sql);
  db.close();
}

async function verify(dataDir: string): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  const code = await runCli(['audit', 'verify', '--data-dir', dataDir, '--operator', 'Dr Ada Example'], c.io);
  return { code, out: c.out.join('\n'), err: c.err.join('\n') };
}

describe('audit trail', () => {
  it('records who did what by operator id only: no notes, label text, rater or operator names, file names or codes', async () => {
    const { dataDir, operatorId } = await withHistory();
    const db = new Database(path.join(dataDir, 'affect-studio.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Record<string, unknown>[];
    db.close();
    expect(rows.map((r) => r.action)).toEqual([
      'participant.create',
      'consent.record',
      'session.create',
      'media.import',
      'label.tier.add',
      'label.apply',
      'session.view',
    ]);
    expect(rows.every((r) => r.operator_id === operatorId)).toBe(true);
    expect(rows.every((r) => r.participant_id === 1)).toBe(true);
    const text = JSON.stringify(rows);
    for (const secret of [NOTE, LABEL_NOTE, 'Jane', 'intake', 'Rater Bob', 'Dr Ada', 'P-AUDIT', 'ICF v2', 'Intake', 'sad']) expect(text).not.toContain(secret);
    // Each entry holds the previous one's hash.
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    expect((await verify(dataDir)).code).toBe(0);
  });

  it('affect audit verify fails naming the entry when a row was edited with an outside SQLite client', async () => {
    const { dataDir } = await withHistory();
    expect(await verify(dataDir)).toMatchObject({ code: 0, out: expect.stringMatching(/^ok\t7 entries\t[0-9a-f]{64}/) });
    tamper(dataDir, "UPDATE audit_log SET operator_id = 99 WHERE id = 4");
    const r = await verify(dataDir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^failed\tentry 4\taudit entry 4 was altered/);
  });

  it('fails naming the missing entry when a row was removed, also the last one', async () => {
    const a = await withHistory();
    tamper(a.dataDir, 'DELETE FROM audit_log WHERE id = 3');
    const r = await verify(a.dataDir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/entry 3\taudit entry 3 missing: removed/);

    const b = await withHistory();
    tamper(b.dataDir, 'DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)');
    const last = await verify(b.dataDir);
    expect(last.code).toBe(1);
    expect(last.out).toMatch(/entry 7\taudit entry 7 missing: removed from the end/);
  });

  it('fails when a row was inserted, even renumbering the rest to hide the gap', async () => {
    const { dataDir } = await withHistory();
    tamper(
      dataDir,
      `UPDATE audit_log SET id = id + 100 WHERE id >= 5; UPDATE audit_log SET id = id - 99 WHERE id >= 105;
       INSERT INTO audit_log (id, at, operator_id, action, detail, prev_hash, hash) SELECT 5, at, operator_id, 'session.view', '{}', hash, hash FROM audit_log WHERE id = 4;`,
    );
    const r = await verify(dataDir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/entry 5\taudit entry 5 was altered/);
  });

  it('is append-only inside the app: updates and deletes are refused by the database', async () => {
    const { dataDir } = await withHistory();
    const db = openDatabase(path.join(dataDir, 'affect-studio.sqlite'));
    expect(() => db.prepare("UPDATE audit_log SET action = 'x' WHERE id = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE id = 1').run()).toThrow(/append-only/);
    db.close();
  });

  it('exports the trail as CSV with the chain, and lists it filtered by operator, participant, action and date', async () => {
    const { dataDir, operatorId } = await withHistory();
    const out = tempDir();
    const c = capture();
    expect(await runCli(['audit', 'export', '--out', out, '--data-dir', dataDir, '--operator', String(operatorId)], c.io)).toBe(0);
    const rows = parse(readFileSync(path.join(out, 'audit_log.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...AUDIT_CSV_COLUMNS]);
    // The export itself was audited after the file was written: the file holds the entries before it.
    expect(rows.map((r) => r.action).slice(-2)).toEqual(['label.apply', 'session.view']);
    expect(rows[1].prev_hash).toBe(rows[0].hash);

    core = await createCore({ dataDir });
    const ctx = operatorCtx(core, 'Dr Ada Example');
    const other = operatorCtx(core, 'RA Two');
    await call(core, 'sessions.open', { id: 1 }, other);
    const byOther = await call(core, 'audit.list', { operatorId: other.operatorId }, ctx);
    expect(byOther.entries.map((e) => e.action)).toEqual(['session.view']);
    expect(byOther.entries[0]).toMatchObject({ operatorName: 'RA Two', participantId: 1, participantCode: 'P-AUDIT', sessionId: 1 });
    const views = await call(core, 'audit.list', { action: 'session.view', participantId: 1 }, ctx);
    expect(views.entries).toHaveLength(2);
    const none = await call(core, 'audit.list', { from: '2999-01-01T00:00:00Z' }, ctx);
    expect(none.entries).toEqual([]);
    const page = await call(core, 'audit.list', { limit: 3 }, ctx);
    expect(page.more).toBe(true);
    const next = await call(core, 'audit.list', { limit: 3, beforeId: page.entries[2].id }, ctx);
    expect(next.entries[0].id).toBe(page.entries[2].id - 1);
    expect(await call(core, 'audit.verify', {}, ctx)).toMatchObject({ ok: true, problem: null });
  });

  it('carries an old audit log over into the chain without its free text', () => {
    const file = path.join(tempDir(), 'old.sqlite');
    const old = openDatabase(file, migrations.slice(0, 7));
    old.exec(`
      INSERT INTO participant (code, created_at) VALUES ('P01', '2026-01-01T00:00:00Z');
      INSERT INTO session (participant_id, protocol, operator, note, created_at) VALUES (1, 'import', 'affect-cli', 'Imported from Jane Doe 1990-01-01 intake.webm', '2026-01-01T00:00:00Z');
      INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES
        ('2026-01-01T00:00:00Z', 'operator', 'participant.create', 'participant', 1, NULL),
        ('2026-01-01T00:00:01Z', 'affect-cli', 'media.import', 'session', 1, '{"fileName":"Jane_Doe_1990-01-01_intake.webm","originalName":"Jane Doe 1990-01-01 intake.webm"}'),
        ('2026-01-01T00:00:02Z', 'Rater A', 'label.create', 'label_tier', 1, '{"sessionId":1,"removed":[],"added":[{"note":"cried"}]}');
    `);
    old.close();
    const db = openDatabase(file);
    const rows = db.prepare('SELECT id, operator_id, action, participant_id, session_id, detail FROM audit_log ORDER BY id').all();
    expect(rows).toEqual([
      { id: 1, operator_id: null, action: 'participant.create', participant_id: 1, session_id: null, detail: '{}' },
      { id: 2, operator_id: 1, action: 'media.import', participant_id: 1, session_id: 1, detail: '{}' },
      { id: 3, operator_id: null, action: 'label.create', participant_id: 1, session_id: 1, detail: '{"removed":[],"sessionId":1}' },
    ]);
    // The CLI's operator text became a profile; the note with the file name is gone.
    expect(db.prepare('SELECT display_name, role FROM operator').all()).toEqual([{ display_name: 'affect-cli', role: 'clinician' }]);
    expect(db.prepare('SELECT note, operator, operator_id FROM session').get()).toEqual({ note: '', operator: '', operator_id: 1 });
    db.close();
    const bytes = readFileSync(file);
    expect(bytes.includes('Jane')).toBe(false);
    expect(bytes.includes('cried')).toBe(false);
  });
});
