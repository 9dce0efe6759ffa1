import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion, WrongDatabaseKeyError } from '../store/database.js';
import { migrations } from '../store/migrations/index.js';
import { tempDir } from '../test-support/make-media.js';
import {
  keysFromDataKey,
  newKeyFile,
  readKeyFile,
  SCRYPT_PARAMS,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
  withNewPassphrase,
  withNewRecoveryKey,
  writeKeyFile,
  WrongSecretError,
} from './key-file.js';
import { decodeRecoveryKey } from './recovery-key.js';

const PASS = 'correct horse battery';

afterEach(() => {
  delete process.env.AFFECT_INSECURE_TEST_KDF;
});

describe('key hierarchy', () => {
  it('uses scrypt N=2^17, r=8, p=1 unless the insecure test setting is on', async () => {
    const { file } = await newKeyFile(PASS);
    expect(file.passphrase.kdf).toMatchObject({ name: 'scrypt', ...SCRYPT_PARAMS });
    process.env.AFFECT_INSECURE_TEST_KDF = '1';
    expect((await newKeyFile(PASS)).file.passphrase.kdf.N).toBe(2 ** 10);
  });

  it('opens with the passphrase or the recovery key, and with nothing else', async () => {
    process.env.AFFECT_INSECURE_TEST_KDF = '1';
    const dir = tempDir();
    const { file, keys, recoveryKey } = await newKeyFile(PASS);
    writeKeyFile(dir, file);
    expect(statSync(path.join(dir, 'affect-keys.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['affect-keys.json']);
    const stored = readFileSync(path.join(dir, 'affect-keys.json'), 'utf8');
    expect(stored).not.toContain(keys.exportDataKey().toString('base64'));
    expect(stored).not.toContain(recoveryKey);

    const onDisk = readKeyFile(dir);
    expect((await unlockWithPassphrase(onDisk, PASS)).databaseKey()).toEqual(keys.databaseKey());
    await expect(unlockWithPassphrase(onDisk, 'correct horse battery!')).rejects.toBeInstanceOf(WrongSecretError);
    // Read back the way a person types it: lower case, spaces, O for 0.
    const typed = recoveryKey.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
    expect(unlockWithRecoveryKey(onDisk, typed).mediaKey()).toEqual(keys.mediaKey());
    const wrong = recoveryKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    expect(() => unlockWithRecoveryKey(onDisk, wrong)).toThrow(WrongSecretError);
    expect(() => unlockWithRecoveryKey(onDisk, 'not a key')).toThrow(/not a recovery key/);
    expect(decodeRecoveryKey(recoveryKey)).toHaveLength(20);

    expect(keysFromDataKey(onDisk, keys.exportDataKey()).databaseKey()).toEqual(keys.databaseKey());
    expect(() => keysFromDataKey(onDisk, Buffer.alloc(32, 7))).toThrow(WrongSecretError);
  });

  it('refuses a key file whose passphrase parameters were weakened', async () => {
    process.env.AFFECT_INSECURE_TEST_KDF = '1';
    const { file } = await newKeyFile(PASS);
    const tampered = { ...file, passphrase: { ...file.passphrase, kdf: { ...file.passphrase.kdf, N: 2 ** 11 } } };
    await expect(unlockWithPassphrase(tampered, PASS)).rejects.toBeInstanceOf(WrongSecretError);
    const huge = { ...file, passphrase: { ...file.passphrase, kdf: { ...file.passphrase.kdf, N: 2 ** 24 } } };
    await expect(unlockWithPassphrase(huge, PASS)).rejects.toThrow(/outside what Affect Studio accepts/);
  });

  it('changes the passphrase by re-wrapping the data key only; a new recovery key retires the old one', async () => {
    process.env.AFFECT_INSECURE_TEST_KDF = '1';
    const { file, keys, recoveryKey } = await newKeyFile(PASS);
    const changed = await withNewPassphrase(file, keys, 'a new passphrase 2');
    expect(changed.recovery).toEqual(file.recovery);
    await expect(unlockWithPassphrase(changed, PASS)).rejects.toBeInstanceOf(WrongSecretError);
    expect((await unlockWithPassphrase(changed, 'a new passphrase 2')).databaseKey()).toEqual(keys.databaseKey());
    expect(unlockWithRecoveryKey(changed, recoveryKey).databaseKey()).toEqual(keys.databaseKey());
    await expect(withNewPassphrase(file, keys, 'short')).rejects.toThrow(/at least 10/);

    const renewed = withNewRecoveryKey(changed, keys);
    expect(() => unlockWithRecoveryKey(renewed.file, recoveryKey)).toThrow(WrongSecretError);
    expect(unlockWithRecoveryKey(renewed.file, renewed.recoveryKey).databaseKey()).toEqual(keys.databaseKey());
  });
});

describe('encrypted database', () => {
  it('keeps WAL and the migrations, holds no clear text, and opens only with its key', async () => {
    process.env.AFFECT_INSECURE_TEST_KDF = '1';
    const dir = tempDir();
    const file = path.join(dir, 'affect-studio.sqlite');
    const { keys } = await newKeyFile(PASS);
    const db = openDatabase(file, migrations, { key: keys.databaseKey() });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    db.prepare("INSERT INTO participant (code, created_at) VALUES ('P-SECRET-042', '2026-01-01T00:00:00Z')").run();
    // While open, the write-ahead log holds the new rows: it must be encrypted too.
    for (const f of readdirSync(dir)) expect(readFileSync(path.join(dir, f)).includes('P-SECRET-042'), f).toBe(false);
    db.close();
    for (const f of readdirSync(dir)) expect(readFileSync(path.join(dir, f)).includes('P-SECRET-042'), f).toBe(false);
    expect(readFileSync(file).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');

    expect(() => openDatabase(file, migrations)).toThrow(/not a database/);
    expect(() => openDatabase(file, migrations, { key: { ...keys.databaseKey(), key: Buffer.alloc(32, 1) } })).toThrow(WrongDatabaseKeyError);
    const again = openDatabase(file, migrations, { key: keys.databaseKey() });
    expect(again.prepare('SELECT code FROM participant').pluck().all()).toEqual(['P-SECRET-042']);
    again.close();
  });
});
