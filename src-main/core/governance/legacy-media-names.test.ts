import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../app-core.js';
import { sessionFolder } from '../recording/session-folder.js';
import { openDatabase } from '../store/database.js';
import { migrations } from '../store/migrations/index.js';
import { makeWebm, tempDir } from '../test-support/make-media.js';

describe('clips imported before original names stopped being kept', () => {
  it('are renamed to their content hash at the next start, still listed and playable, the old name gone everywhere', async () => {
    const dataDir = tempDir();
    const old = openDatabase(path.join(dataDir, 'affect-studio.sqlite'), migrations.slice(0, 7));
    old.exec(`
      INSERT INTO participant (code, created_at) VALUES ('P01', '2026-01-01T00:00:00Z');
      INSERT INTO session (participant_id, protocol, operator, created_at, status) VALUES (1, 'import', 'affect-cli', '2026-01-01T00:00:00Z', 'completed');
      INSERT INTO media_file (session_id, kind, file_name, mime_type, bytes, has_video, has_audio, created_at)
        VALUES (1, 'import', 'Jane_Doe_1990-01-01_intake.webm', 'video/webm', 1, 1, 1, '2026-01-01T00:00:00Z');
    `);
    old.close();
    mkdirSync(sessionFolder(dataDir, 1), { recursive: true });
    const clip = await makeWebm(path.join(sessionFolder(dataDir, 1), 'Jane_Doe_1990-01-01_intake.webm'), 1);
    const bytes = readFileSync(clip);

    const core = await createCore({ dataDir });
    const [media] = core.services.sessions.get(1).media;
    await core.close();
    expect(media.fileName).toMatch(/^clip-[0-9a-f]{16}\.webm$/);
    expect(readdirSync(sessionFolder(dataDir, 1))).toEqual([media.fileName]);
    expect(readFileSync(path.join(sessionFolder(dataDir, 1), media.fileName)).equals(bytes)).toBe(true);
    for (const f of ['affect-studio.sqlite', 'affect-studio.sqlite-wal']) {
      const file = path.join(dataDir, f);
      if (existsSync(file)) expect(readFileSync(file).includes('Jane_Doe')).toBe(false);
    }
  });
});
