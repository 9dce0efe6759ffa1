import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { createCore } from '../app-core.js';
import { checkImportable } from '../media/import-media.js';
import { makeWebm, tempDir } from '../test-support/make-media.js';

describe('affect analyze with clips that cannot be imported', () => {
  it('leaves no session behind for a clip whose import fails', async () => {
    const dir = tempDir();
    const junk = path.join(dir, 'junk.mp4');
    writeFileSync(junk, 'not a video at all');
    const empty = path.join(dir, 'empty.webm');
    writeFileSync(empty, '');
    const dataDir = path.join(dir, 'data');
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    const at = ['--data-dir', dataDir, '--operator', 'RA'];
    // An unencrypted folder: the test opens the core on it directly (encrypted folders: encrypted-cli.test.ts).
    expect(await runCli(['operators', 'add', 'RA', '--role', 'researcher', '--data-dir', dataDir, '--no-encryption'], io)).toBe(0);
    expect(await runCli(['participants', 'add', 'P-1', '--consent', 'video,audio,analysis,research', ...at], io)).toBe(0);
    out.length = 0;
    const code = await runCli(['analyze', junk, empty, path.join(dir, 'missing.mkv'), '--participant', 'P-1', '--out', dir, ...at], io);
    expect(code, err.join('\n')).toBe(1);
    expect(out.filter((l) => l.startsWith('failed\t'))).toHaveLength(3);
    const core = await createCore({ dataDir });
    try {
      expect(core.services.sessions.list()).toEqual([]);
    } finally {
      await core.close();
    }
  });
});

describe('duration of an imported clip', () => {
  it('is what the file really holds, with a warning, when a truncated file still claims its full length', async () => {
    const dir = tempDir();
    const full = await makeWebm(path.join(dir, 'full.webm'), 5);
    const bytes = readFileSync(full);
    const cut = path.join(dir, 'cut.webm');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.3)));
    const whole = await checkImportable(full);
    expect(whole).toMatchObject({ ok: true });
    if (whole.ok) {
      expect(whole.durationMs).toBeGreaterThan(4900);
      expect(whole.warning).toBeUndefined();
    }
    const truncated = await checkImportable(cut);
    expect(truncated.ok).toBe(true);
    if (truncated.ok) {
      expect(truncated.durationMs).toBeLessThan(3000);
      expect(truncated.warning).toMatch(/says it lasts 5\.\d+ s but only \d\.\d+ s can be read/);
    }
  });
});
