/**
 * SQLite spills large sorts, indexes and temporary tables to temporary files, and SQLite3 Multiple Ciphers
 * does not encrypt them. This build's default is files on disk (SQLITE_TEMP_STORE=1): an encrypted
 * database must keep them in memory, or a participant's code sorted for an export reaches the disk in clear.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, watch } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/make-media.js';
import { DATABASE_CIPHERS } from './database-cipher.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Opens a database (keyed as `cipher:hex`, or not) in a child whose SQLite temporary folder is `tmp`, and makes it sort a lot. */
function sortInChild(tmp: string, key: string | null): void {
  const script = `
    import { openDatabase } from './src-main/core/store/database.ts';
    const [cipher, hex] = process.argv[1].split(':');
    const key = cipher === 'clear' ? null : { cipher, key: Buffer.from(hex, 'hex') };
    const db = openDatabase(process.argv[2], [], { key });
    db.pragma('cache_size = 20'); // pages: a sort of a few MB spills
    db.exec('CREATE TABLE t (code TEXT)');
    const add = db.prepare('INSERT INTO t VALUES (?)');
    db.transaction(() => { for (let i = 0; i < 40000; i++) add.run('P-TEMP-' + i + '-' + 'x'.repeat(100)); })();
    db.prepare('SELECT code FROM t ORDER BY random()').all();
    db.exec('CREATE INDEX t_code ON t (code)');
    db.close();
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, key ?? 'clear', path.join(tempDir(), 'db.sqlite')], {
    cwd: REPO,
    env: { ...process.env, SQLITE_TMPDIR: tmp },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
}

/** Names of files that appeared in `dir` while fn ran (SQLite unlinks its temporary files at once). */
async function filesSeen(dir: string, fn: () => void): Promise<string[]> {
  const seen = new Set<string>();
  const w = watch(dir, (_e, name) => name && seen.add(String(name)));
  fn();
  await new Promise((r) => setTimeout(r, 200));
  w.close();
  return [...seen, ...readdirSync(dir)];
}

describe('SQLite temporary files', () => {
  it.each(DATABASE_CIPHERS)('an encrypted database (%s) writes none: large sorts and index builds stay in memory', async (cipher) => {
    const tmp = tempDir('affect-sqlite-tmp-');
    expect(await filesSeen(tmp, () => sortInChild(tmp, `${cipher}:${randomBytes(32).toString('hex')}`))).toEqual([]);
  });

  it('the same work on a clear database does spill to that folder (so the check above can see a spill)', async () => {
    const tmp = tempDir('affect-sqlite-tmp-');
    expect((await filesSeen(tmp, () => sortInChild(tmp, null))).length).toBeGreaterThan(0);
  });
});
