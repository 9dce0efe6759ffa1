/**
 * The key hierarchy of an encrypted data folder, kept in <data>/affect-keys.json (0600):
 *
 *   data key (32 random bytes, never stored in clear)
 *     ├─ wrapped by the passphrase key:  scrypt(passphrase, salt, N=2^17, r=8, p=1) → AES-256-GCM
 *     └─ wrapped by the recovery key:    HKDF-SHA256(160-bit recovery key, salt)    → AES-256-GCM
 *   database key = HKDF-SHA256(data key, key id, "affect-studio/database/aegis-256/v1")  (AEGIS-256 raw key;
 *                  folders from before the key file named a scheme: "affect-studio/sqlcipher/v1", SQLCipher 4)
 *   media key    = HKDF-SHA256(data key, key id, "affect-studio/media/v1")      (per file: HKDF with its salt)
 *
 * Each wrapping authenticates the key id, the slot's name and its KDF parameters, so a key file whose
 * parameters were edited (to make guessing cheaper, say) does not open. Changing the passphrase re-wraps the
 * data key only: nothing else in the folder changes.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { MessageKey } from '../../../src-shared/i18n/i18n.js';
import { enText } from '../../../src-shared/i18n/errors.js';
import { DATABASE_CIPHERS, type DatabaseCipher, type DatabaseKey, DEFAULT_DATABASE_CIPHER, LEGACY_DATABASE_CIPHER } from '../store/database-cipher.js';
import { decodeRecoveryKey, encodeRecoveryKey, RECOVERY_KEY_BYTES } from './recovery-key.js';

export const KEY_FILE = 'affect-keys.json';

/** The passphrase KDF's parameters for new folders and passphrase changes (OWASP's scrypt recommendation). */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
/**
 * For automated tests only, where every test would otherwise spend a second per folder: selected by
 * AFFECT_INSECURE_TEST_KDF=1, recorded in the key file like any other parameters.
 */
export const INSECURE_TEST_SCRYPT_PARAMS = { N: 2 ** 10, r: 8, p: 1 } as const;
/** Bounds on what a key file may ask for, so a crafted file cannot make unlocking take minutes or gigabytes. */
const SCRYPT_BOUNDS = { minN: 2 ** 10, maxN: 2 ** 20, maxR: 16, maxP: 4 };

/** Errors that reach people carry their catalogue entry (src-shared/i18n/locales: errors.vault.*). */
export class VaultError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly vars?: Record<string, string | number>,
  ) {
    super(enText(key, vars));
  }
}
export class WrongSecretError extends VaultError {}
export class KeyFileError extends VaultError {}

const b64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).max(200);
const scryptKdf = z.object({ name: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int(), salt: b64 });
const hkdfKdf = z.object({ name: z.literal('hkdf-sha256'), salt: b64 });
const slot = <K extends z.ZodTypeAny>(kdf: K) => z.object({ kdf, nonce: b64, wrapped: b64 });
const keyFileSchema = z.object({
  format: z.literal('affect-studio-keys'),
  version: z.literal(1),
  keyId: z.string().regex(/^[0-9a-f]{32}$/),
  created: z.string().max(40),
  /** HMAC-SHA256 of the key id under the data key: recognises the data key handed back by an OS keychain. */
  check: b64,
  passphrase: slot(scryptKdf),
  recovery: slot(hkdfKdf),
  /**
   * The database's encryption scheme (store/database-cipher.ts); absent in key files written before it was
   * recorded, whose databases are SQLCipher 4. Not authenticated by the slots: naming another scheme only makes
   * the database refuse to open, it cannot make anything readable.
   */
  databaseCipher: z.enum(DATABASE_CIPHERS).optional(),
});
export type KeyFile = z.infer<typeof keyFileSchema>;
type ScryptKdf = z.infer<typeof scryptKdf>;

/** The keys an unlocked folder works with. wipe() overwrites them when the folder locks. */
export class FolderKeys {
  constructor(
    readonly keyId: Buffer,
    private readonly dataKey: Buffer,
    readonly databaseCipher: DatabaseCipher,
  ) {}

  private derive(label: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.dataKey, this.keyId, label, 32));
  }

  /** The database's raw 256-bit key, one per scheme (a key is never shared between two ciphers). */
  databaseKey(): DatabaseKey {
    const label = this.databaseCipher === 'sqlcipher-4' ? 'affect-studio/sqlcipher/v1' : `affect-studio/database/${this.databaseCipher}/v1`;
    return { cipher: this.databaseCipher, key: this.derive(label) };
  }

  mediaKey(): { id: Buffer; key: Buffer } {
    return { id: this.keyId, key: this.derive('affect-studio/media/v1') };
  }

  /** A copy of the data key, for the OS keychain (Electron shell only). */
  exportDataKey(): Buffer {
    return Buffer.from(this.dataKey);
  }

  wipe(): void {
    this.dataKey.fill(0);
  }
}

function kdfScrypt(passphrase: string, kdf: ScryptKdf): Promise<Buffer> {
  if (kdf.N < SCRYPT_BOUNDS.minN || kdf.N > SCRYPT_BOUNDS.maxN || (kdf.N & (kdf.N - 1)) !== 0 || kdf.r < 1 || kdf.r > SCRYPT_BOUNDS.maxR || kdf.p < 1 || kdf.p > SCRYPT_BOUNDS.maxP) {
    return Promise.reject(new KeyFileError('errors.vault.keyFileParams'));
  }
  const pass = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  return new Promise((resolve, reject) =>
    scrypt(pass, Buffer.from(kdf.salt, 'base64'), 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 }, (err, key) => {
      pass.fill(0);
      if (err) reject(err);
      else resolve(key);
    }),
  );
}

function kdfRecovery(recovery: Buffer, salt: string): Buffer {
  return Buffer.from(hkdfSync('sha256', recovery, Buffer.from(salt, 'base64'), 'affect-studio/recovery/v1', 32));
}

/** What a slot's wrapping authenticates besides the data key itself. */
function slotAad(keyId: string, name: 'passphrase' | 'recovery', kdf: object): Buffer {
  return Buffer.from(JSON.stringify(['affect-studio-keys/v1', keyId, name, kdf]), 'utf8');
}

function wrap(kek: Buffer, dataKey: Buffer, aad: Buffer): { nonce: string; wrapped: string } {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, nonce);
  c.setAAD(aad);
  const wrapped = Buffer.concat([c.update(dataKey), c.final(), c.getAuthTag()]);
  kek.fill(0);
  return { nonce: nonce.toString('base64'), wrapped: wrapped.toString('base64') };
}

function unwrap(kek: Buffer, s: { nonce: string; wrapped: string }, aad: Buffer, wrong: MessageKey): Buffer {
  const raw = Buffer.from(s.wrapped, 'base64');
  try {
    if (raw.length !== 48) throw new Error('length');
    const d = createDecipheriv('aes-256-gcm', kek, Buffer.from(s.nonce, 'base64'));
    d.setAAD(aad);
    d.setAuthTag(raw.subarray(32));
    return Buffer.concat([d.update(raw.subarray(0, 32)), d.final()]);
  } catch {
    throw new WrongSecretError(wrong);
  } finally {
    kek.fill(0);
  }
}

function scryptParams(): { N: number; r: number; p: number } {
  return process.env.AFFECT_INSECURE_TEST_KDF === '1' ? INSECURE_TEST_SCRYPT_PARAMS : SCRYPT_PARAMS;
}

async function passphraseSlot(keyId: string, dataKey: Buffer, passphrase: string): Promise<KeyFile['passphrase']> {
  const kdf: ScryptKdf = { name: 'scrypt', ...scryptParams(), salt: randomBytes(16).toString('base64') };
  return { kdf, ...wrap(await kdfScrypt(passphrase, kdf), dataKey, slotAad(keyId, 'passphrase', kdf)) };
}

function recoverySlot(keyId: string, dataKey: Buffer): { slot: KeyFile['recovery']; recoveryKey: string } {
  const recovery = randomBytes(RECOVERY_KEY_BYTES);
  const kdf = { name: 'hkdf-sha256' as const, salt: randomBytes(16).toString('base64') };
  const slot = { kdf, ...wrap(kdfRecovery(recovery, kdf.salt), dataKey, slotAad(keyId, 'recovery', kdf)) };
  const recoveryKey = encodeRecoveryKey(recovery);
  recovery.fill(0);
  return { slot, recoveryKey };
}

export const MIN_PASSPHRASE_LENGTH = 10;

export function checkPassphrase(passphrase: string): void {
  if ([...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH) throw new KeyFileError('errors.vault.passphraseTooShort', { n: MIN_PASSPHRASE_LENGTH });
  if (passphrase.length > 1024) throw new KeyFileError('errors.vault.passphraseTooLong');
}

/** A new data key with its passphrase and recovery slots. The recovery key is returned once, never stored. */
export async function newKeyFile(passphrase: string): Promise<{ file: KeyFile; keys: FolderKeys; recoveryKey: string }> {
  checkPassphrase(passphrase);
  const keyIdBytes = randomBytes(16);
  const keyId = keyIdBytes.toString('hex');
  const dataKey = randomBytes(32);
  const { slot: recovery, recoveryKey } = recoverySlot(keyId, dataKey);
  const file: KeyFile = {
    format: 'affect-studio-keys',
    version: 1,
    keyId,
    created: new Date().toISOString(),
    check: keyCheck(keyId, dataKey).toString('base64'),
    passphrase: await passphraseSlot(keyId, dataKey, passphrase),
    recovery,
    databaseCipher: DEFAULT_DATABASE_CIPHER,
  };
  return { file, keys: new FolderKeys(keyIdBytes, dataKey, DEFAULT_DATABASE_CIPHER), recoveryKey };
}

export async function unlockWithPassphrase(file: KeyFile, passphrase: string): Promise<FolderKeys> {
  const kek = await kdfScrypt(passphrase, file.passphrase.kdf);
  return new FolderKeys(Buffer.from(file.keyId, 'hex'), unwrap(kek, file.passphrase, slotAad(file.keyId, 'passphrase', file.passphrase.kdf), 'errors.vault.wrongPassphrase'), cipherOf(file));
}

export function unlockWithRecoveryKey(file: KeyFile, recoveryKey: string): FolderKeys {
  const raw = decodeRecoveryKey(recoveryKey);
  if (!raw) throw new WrongSecretError('errors.vault.notARecoveryKey');
  const kek = kdfRecovery(raw, file.recovery.kdf.salt);
  raw.fill(0);
  return new FolderKeys(Buffer.from(file.keyId, 'hex'), unwrap(kek, file.recovery, slotAad(file.keyId, 'recovery', file.recovery.kdf), 'errors.vault.wrongRecoveryKey'), cipherOf(file));
}

function cipherOf(file: KeyFile): DatabaseCipher {
  return file.databaseCipher ?? LEGACY_DATABASE_CIPHER;
}

function keyCheck(keyId: string, dataKey: Buffer): Buffer {
  return createHmac('sha256', dataKey).update(`affect-studio/key-check/v1:${keyId}`).digest();
}

/** A data key handed back by the OS keychain: accepted only if it is this folder's. */
export function keysFromDataKey(file: KeyFile, dataKey: Buffer): FolderKeys {
  const check = Buffer.from(file.check, 'base64');
  if (dataKey.length !== 32 || check.length !== 32 || !timingSafeEqual(keyCheck(file.keyId, dataKey), check)) {
    throw new WrongSecretError('errors.vault.keychainWrong');
  }
  return new FolderKeys(Buffer.from(file.keyId, 'hex'), Buffer.from(dataKey), cipherOf(file));
}

/** Re-wraps the data key under a new passphrase; the recovery key and all data stay as they are. */
export async function withNewPassphrase(file: KeyFile, keys: FolderKeys, passphrase: string): Promise<KeyFile> {
  checkPassphrase(passphrase);
  const dataKey = keys.exportDataKey();
  try {
    return { ...file, passphrase: await passphraseSlot(file.keyId, dataKey, passphrase) };
  } finally {
    dataKey.fill(0);
  }
}

/** A new recovery key; the old one stops working once the returned file is saved. */
export function withNewRecoveryKey(file: KeyFile, keys: FolderKeys): { file: KeyFile; recoveryKey: string } {
  const dataKey = keys.exportDataKey();
  try {
    const { slot, recoveryKey } = recoverySlot(file.keyId, dataKey);
    return { file: { ...file, recovery: slot }, recoveryKey };
  } finally {
    dataKey.fill(0);
  }
}

export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, KEY_FILE);
}

export function hasKeyFile(dataDir: string): boolean {
  return existsSync(keyFilePath(dataDir));
}

export function readKeyFile(dataDir: string): KeyFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(keyFilePath(dataDir), 'utf8'));
  } catch (e) {
    throw new KeyFileError('errors.vault.keyFileDamaged');
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) throw new KeyFileError('errors.vault.keyFileDamaged');
  return parsed.data;
}

/** Replaces the key file atomically (temp file, sync, rename, sync the folder): never half-written. */
export function writeKeyFile(dataDir: string, file: KeyFile): void {
  const target = keyFilePath(dataDir);
  const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(file, null, 2)}\n`);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, target);
  try {
    const dfd = openSync(dataDir, 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    /* folders cannot be synced on Windows; the rename is still atomic */
  }
}
