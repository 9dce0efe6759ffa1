import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/errors.js';
import { type AppCore, createCore } from '../app-core.js';
import { operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';
import { directClient } from './direct-client.js';

let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

function auditRows(dataDir: string): Array<{ operator_id: number | null; action: string; object_id: number | null }> {
  const db = new Database(path.join(dataDir, 'affect-studio.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT operator_id, action, object_id FROM audit_log ORDER BY id').all() as Array<{ operator_id: number | null; action: string; object_id: number | null }>;
  } finally {
    db.close();
  }
}

describe('the in-process client', () => {
  it('goes through the contract: refused input is a typed error and nothing is stored', async () => {
    core = await createCore({ dataDir: tempDir() });
    const api = directClient(core, operatorCtx(core));
    const err = await api.call('participants.create', { code: 'Jane Doe' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'invalid_input', issues: [{ path: 'code' }] });
    expect(await api.call('participants.list', {})).toEqual([]);
  });

  it('writes the audit entries the handlers write, under its operator profile, and receives pushed events', async () => {
    const dataDir = tempDir();
    core = await createCore({ dataDir });
    const { operatorId } = operatorCtx(core, 'RN Smith');
    const api = directClient(core, { clientId: 'script', operatorId });
    const changed: number[] = [];
    const off = api.on('session.changed', (s) => changed.push(s.id));
    const p = await api.call('participants.create', { code: 'P-9' });
    const s = await api.call('sessions.create', { participantId: p.id, protocol: 'screening' });
    off();
    await api.call('sessions.updateNote', { id: s.id, note: 'after the event stream was left' });
    expect(changed).toEqual([s.id]);
    await core.close();
    core = null;
    expect(auditRows(dataDir)).toEqual([
      { operator_id: operatorId, action: 'participant.create', object_id: p.id },
      { operator_id: operatorId, action: 'session.create', object_id: s.id },
      { operator_id: operatorId, action: 'session.note', object_id: s.id },
    ]);
  });
});
