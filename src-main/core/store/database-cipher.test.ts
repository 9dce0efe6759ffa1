/**
 * The database's encryption schemes on real files: new folders get AEGIS-256, folders encrypted before keep
 * SQLCipher 4 and still open, and under either scheme a page changed on disk is refused rather than read.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/make-media.js';
import { keysFromDataKey, newKeyFile, type KeyFile } from '../vault/key-file.js';
import { applyKey, openDatabase, WrongDatabaseKeyError } from './database.js';
import { DATABASE_CIPHERS, type DatabaseKey } from './database-cipher.js';
import { encryptedDatabaseCopy } from './encrypt-database.js';

const PAGE = 4096;

/** A closed database file with a few dozen pages of participant rows. */
function filledDatabase(key: DatabaseKey | null): string {
  const file = path.join(tempDir(), 'affect-studio.sqlite');
  const db = openDatabase(file, undefined, { key });
  const add = db.prepare('INSERT INTO participant (code, created_at) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) add.run(`P-CIPHER-${i}-${'x'.repeat(40)}`, '2026-01-01T00:00:00Z');
  })();
  db.close();
  return file;
}

function readAll(file: string, key: DatabaseKey): string[] {
  const db = new Database(file, { readonly: true });
  try {
    applyKey(db, key);
    return db.prepare('SELECT code FROM participant ORDER BY id').pluck().all() as string[];
  } finally {
    db.close();
  }
}

describe('database encryption schemes', () => {
  it('a new folder’s key file names AEGIS-256, and its database opens under that scheme only', async () => {
    process.env.AFFECT_INSECURE_TEST_KDF = '1';
    const { file: keyFile, keys } = await newKeyFile('a passphrase for the cipher test');
    expect(keyFile.databaseCipher).toBe('aegis-256');
    const key = keys.databaseKey();
    expect(key.cipher).toBe('aegis-256');
    const file = filledDatabase(key);
    expect(readFileSync(file).includes('P-CIPHER-')).toBe(false);
    expect(readAll(file, key)).toHaveLength(2000);
    // The same key under SQLCipher 4 (or a wrong key under AEGIS) is refused as a wrong key, not read as noise.
    expect(() => readAll(file, { cipher: 'sqlcipher-4', key: key.key })).toThrow(WrongDatabaseKeyError);
    expect(() => readAll(file, { cipher: 'aegis-256', key: randomBytes(32) })).toThrow(WrongDatabaseKeyError);
  });

  it('a folder encrypted before the scheme was recorded keeps SQLCipher 4 and its old key derivation', async () => {
    process.env.AFFECT_INSECURE_TEST_KDF = '1';
    const { file: keyFile, keys } = await newKeyFile('a passphrase for the cipher test');
    const { databaseCipher: _dropped, ...older } = keyFile;
    const oldKeys = keysFromDataKey(older as KeyFile, keys.exportDataKey());
    const key = oldKeys.databaseKey();
    expect(key.cipher).toBe('sqlcipher-4');
    expect(key.key.equals(keys.databaseKey().key)).toBe(false); // one key per scheme
    const file = filledDatabase(key);
    expect(readAll(file, key)).toHaveLength(2000);
    expect(() => readAll(file, { cipher: 'aegis-256', key: key.key })).toThrow(WrongDatabaseKeyError);
  });

  it.each(DATABASE_CIPHERS)('%s: a byte changed in any stored page is refused, never read as data', (cipher) => {
    const key = { cipher, key: randomBytes(32) };
    const file = filledDatabase(key);
    const stored = readFileSync(file);
    const pages = stored.length / PAGE;
    expect(pages).toBeGreaterThan(50);
    const tampered = path.join(path.dirname(file), 'tampered.sqlite');
    const accepted: number[] = [];
    for (let page = 0; page < pages; page++) {
      const bytes = Buffer.from(stored);
      bytes[page * PAGE + 1000] ^= 0x01;
      writeFileSync(tampered, bytes);
      // Refused: reading the rows fails, or the integrity check (which reads every page) reports the page.
      let refused = false;
      const db = new Database(tampered, { readonly: true });
      try {
        applyKey(db, key);
        db.prepare('SELECT code FROM participant').all();
        refused = db.pragma('integrity_check', { simple: true }) !== 'ok';
      } catch {
        refused = true;
      } finally {
        db.close();
      }
      if (!refused) accepted.push(page + 1);
    }
    expect(accepted).toEqual([]);
    expect(readAll(file, key)).toHaveLength(2000); // the untouched file reads in full
  });

  it('a clear database is copied into AEGIS-256, checked row for row, with nothing readable left in the copy', () => {
    const clear = filledDatabase(null);
    expect(readFileSync(clear).includes('P-CIPHER-')).toBe(true); // the check below can see clear text
    const copy = path.join(path.dirname(clear), 'copy.sqlite');
    const key: DatabaseKey = { cipher: 'aegis-256', key: randomBytes(32) };
    encryptedDatabaseCopy(clear, copy, key);
    expect(readFileSync(copy).includes('P-CIPHER-')).toBe(false);
    const db = new Database(clear, { readonly: true });
    const expected = db.prepare('SELECT code FROM participant ORDER BY id').pluck().all();
    db.close();
    expect(expected).toHaveLength(2000);
    expect(readAll(copy, key)).toEqual(expected);
  });
});
