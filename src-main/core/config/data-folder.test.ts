import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppCore, createCore } from '../app-core.js';
import { operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';
import { readConfig, resolveDataDir, writeConfig } from './app-config.js';
import { defaultDataDir } from './app-paths.js';

let core: AppCore;
const saved = { config: process.env.AFFECT_CONFIG_DIR, data: process.env.AFFECT_DATA_DIR };

beforeEach(async () => {
  process.env.AFFECT_CONFIG_DIR = tempDir();
  delete process.env.AFFECT_DATA_DIR;
  core = await createCore({ dataDir: tempDir() });
});
afterEach(async () => {
  await core.close();
  process.env.AFFECT_CONFIG_DIR = saved.config;
  if (saved.data !== undefined) process.env.AFFECT_DATA_DIR = saved.data;
});

describe('choosing the data folder', () => {
  it.skipIf(process.platform === 'win32')('refuses folders the next start could not use, and leaves the setting as it was', async () => {
    const ctx = operatorCtx(core);
    const good = path.join(tempDir(), 'next');
    expect((await core.handle('settings.update', { dataDir: good }, ctx)).ok).toBe(true);
    const file = path.join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    for (const bad of ['/dev/null', '/proc/self', '/', '/tmp/a\0b', file, `${file}/inside`, 'relative/dir']) {
      const r = await core.handle('settings.update', { dataDir: bad }, ctx);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('invalid_input');
      expect(readConfig().dataDir).toBe(good);
    }
  });

  it('starts with the default folder and a clear message when the configured one has become unusable', () => {
    writeConfig({ dataDir: '/dev/null' });
    const messages: string[] = [];
    expect(resolveDataDir((m) => messages.push(m))).toBe(defaultDataDir());
    expect(messages.join('\n')).toMatch(/"\/dev\/null" cannot be used .* using .* instead/);
    // The setting itself is kept, so the user sees and fixes it.
    expect(JSON.parse(readFileSync(path.join(process.env.AFFECT_CONFIG_DIR!, 'config.json'), 'utf8')).dataDir).toBe('/dev/null');
  });
});
