import { afterEach, describe, expect, it } from 'vitest';
import { type AppCore, createCore } from '../app-core.js';
import { tempDir } from '../test-support/make-media.js';
import type { CallContext } from './dispatch.js';
import { operatorCtx } from '../test-support/governance.js';

let ctx: CallContext = { clientId: 'test' };
let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

describe('contract validation at the boundary', () => {
  it('creates a participant and a session from valid payloads', async () => {
    core = await createCore({ dataDir: tempDir() });
    ctx = operatorCtx(core);
    const p = await core.handle('participants.create', { code: 'P-001' }, ctx);
    expect(p).toMatchObject({ ok: true, value: { code: 'P-001', sessionCount: 0 } });
    const id = (p as { value: { id: number } }).value.id;
    const s = await core.handle('sessions.create', { participantId: id, protocol: 'Screening A', note: '' }, ctx);
    expect(s).toMatchObject({ ok: true, value: { participantCode: 'P-001', status: 'created', media: [] } });
  });

  it.each([
    ['participants.create', {}, 'code'],
    ['participants.create', { code: '' }, 'code'],
    ['participants.create', { code: '   ' }, 'code'],
    ['participants.create', { code: 'Jane Doe' }, 'code'],
    ['participants.create', { code: 'P1', extra: true }, ''],
    ['sessions.create', { participantId: 'one', protocol: 'x' }, 'participantId'],
    ['sessions.create', { participantId: 1, protocol: '' }, 'protocol'],
    ['sessions.get', { id: -3 }, 'id'],
    ['recording.chunk', { sessionId: 1, seq: 0, data: 'not bytes' }, 'data'],
    ['recording.start', { sessionId: 1, mimeType: 'video/mp4' }, 'mimeType'],
  ])('rejects %s with %j as invalid_input naming the field', async (method, input, field) => {
    core = await createCore({ dataDir: tempDir() });
    ctx = operatorCtx(core);
    const r = await core.handle(method, input, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_input');
    if (field) expect(r.error.issues?.map((i) => i.path)).toContain(field);
    // Nothing was stored by a refused request.
    expect(core.services.participants.list()).toHaveLength(0);
  });

  it('answers unknown methods and non-object payloads with typed errors, never a crash', async () => {
    core = await createCore({ dataDir: tempDir() });
    ctx = operatorCtx(core);
    expect(await core.handle('drop.tables', {}, ctx)).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await core.handle('__proto__', {}, ctx)).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await core.handle('participants.create', 'P1', ctx)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await core.handle('participants.create', null, ctx)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('refuses duplicate participant codes regardless of case, keeping the first', async () => {
    core = await createCore({ dataDir: tempDir() });
    ctx = operatorCtx(core);
    await core.handle('participants.create', { code: 'P01' }, ctx);
    const dup = await core.handle('participants.create', { code: 'p01' }, ctx);
    expect(dup).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(core.services.participants.list().map((p) => p.code)).toEqual(['P01']);
  });

  it('refuses a session for a participant that does not exist', async () => {
    core = await createCore({ dataDir: tempDir() });
    ctx = operatorCtx(core);
    const r = await core.handle('sessions.create', { participantId: 42, protocol: 'x' }, ctx);
    expect(r).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
