/** Other local users must not read participants' data: folders 0700, files 0600, whatever the umask. */
import { chmodSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppCore, createCore } from '../app-core.js';
import { importMediaFiles } from '../media/import-media.js';
import { makeWebm, tempDir } from '../test-support/make-media.js';

let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

const mode = (p: string) => statSync(p).mode & 0o777;

describe.skipIf(process.platform === 'win32')('file modes', () => {
  it('keeps the data folder, the database, recordings and imported clips private to this user', async () => {
    const previous = process.umask(0o022);
    try {
      const dataDir = path.join(tempDir(), 'data');
      core = await createCore({ dataDir });
      const { participants, sessions, recordings, db } = core.services;
      const p = participants.create('P01');
      const s = sessions.create({ participantId: p.id, protocol: 'p', operatorId: null, note: '' });
      db.prepare('UPDATE session SET note = ? WHERE id = ?').run('written', s.id);
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(path.join(dataDir, 'sessions'))).toBe(0o700);
      expect(mode(path.join(dataDir, 'affect-studio.sqlite'))).toBe(0o600);
      expect(mode(path.join(dataDir, 'affect-studio.sqlite-wal'))).toBe(0o600);

      const clip = await makeWebm(path.join(tempDir(), 'rec.webm'), 1);
      recordings.start(s.id, 'video/webm', 'client');
      recordings.chunk(s.id, 0, readFileSync(clip));
      const folder = path.join(dataDir, 'sessions', String(s.id));
      expect(mode(folder)).toBe(0o700);
      expect(mode(path.join(folder, 'recording.part.webm'))).toBe(0o600);
      await recordings.stop(s.id);
      expect(mode(path.join(folder, 'recording.webm'))).toBe(0o600);

      const s2 = sessions.create({ participantId: p.id, protocol: 'p', operatorId: null, note: '' });
      chmodSync(clip, 0o644);
      const [imported] = await importMediaFiles({ db, dataDir, sessions }, s2.id, [clip]);
      expect(imported.ok).toBe(true);
      if (imported.ok) expect(mode(path.join(dataDir, 'sessions', String(s2.id), imported.media.fileName))).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });
});
