import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppCore, createCore } from '../app-core.js';
import { consentedParticipant, operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';
import { ImportUploads, MAX_OPEN_UPLOADS } from './import-upload.js';

let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

async function sessionIn(dataDir: string): Promise<{ core: AppCore; sessionId: number }> {
  core = await createCore({ dataDir });
  const participantId = consentedParticipant(core, 'P01');
  const s = core.services.sessions.create({ participantId, protocol: 'p', operatorId: null, note: '' });
  return { core, sessionId: s.id };
}

describe('abandoned uploads', () => {
  it.skipIf(process.platform !== 'linux')('refuses more than a few unfinished uploads at once instead of holding hundreds of files open', async () => {
    const { core: c, sessionId } = await sessionIn(tempDir());
    const ctx = operatorCtx(c);
    const before = openFds();
    const refusals: string[] = [];
    for (let i = 0; i < 300; i++) {
      const r = await c.handle('media.importBegin', { sessionId, fileName: `clip${i}.mp4`, size: 1000 }, ctx);
      if (!r.ok) refusals.push(r.error.message);
    }
    expect(refusals).toHaveLength(300 - MAX_OPEN_UPLOADS);
    expect(refusals[0]).toMatch(/uploads are already in progress/);
    expect(openFds() - before).toBeLessThanOrEqual(MAX_OPEN_UPLOADS);
  });

  it('closes and deletes an upload that has been idle too long', async () => {
    const { core: c, sessionId } = await sessionIn(tempDir());
    let t = 0;
    const uploads = new ImportUploads({ db: c.services.db, dataDir: c.services.dataDir, sessions: c.services.sessions }, { idleMs: 1000, now: () => t });
    const { uploadId } = await uploads.begin(sessionId, 'clip.mp4', 10);
    await uploads.chunk(uploadId, 0, new Uint8Array(4));
    const incoming = path.join(c.services.dataDir, 'sessions', String(sessionId), '.incoming');
    expect(readdirSync(incoming)).toHaveLength(1);
    t = 900;
    expect(uploads.sweep()).toBe(0);
    await uploads.chunk(uploadId, 1, new Uint8Array(4)); // activity keeps it alive
    t = 2000;
    expect(uploads.sweep()).toBe(1);
    expect(readdirSync(incoming)).toEqual([]);
    expect(() => uploads.chunk(uploadId, 2, new Uint8Array(2))).toThrow(/does not exist/);
    uploads.abortAll();
  });

  it('removes upload leftovers of an earlier run at start', async () => {
    const dataDir = tempDir();
    const stale = path.join(dataDir, 'sessions', '7', '.incoming');
    mkdirSync(stale, { recursive: true });
    writeFileSync(path.join(stale, 'abc.part'), 'half a clip');
    await sessionIn(dataDir);
    expect(existsSync(stale)).toBe(false);
  });
});
