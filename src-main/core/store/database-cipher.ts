/**
 * How an encrypted data folder's SQLite file is encrypted. Both schemes are SQLite3 Multiple Ciphers' and both
 * authenticate every page, so a page changed on disk is refused, never read as data:
 *
 *  - `aegis-256` (new folders): AEGIS-256, an authenticated cipher built on the AES round function, with a random
 *    256-bit nonce and a 256-bit tag per page. It runs on the CPU's AES instructions (AES-NI, ARMv8 crypto),
 *    which is why storing observations costs a few per cent where SQLCipher's portable HMAC-SHA512 cost a third
 *    (README, "What encryption at rest costs").
 *  - `sqlcipher-4`: SQLCipher 4 (AES-256-CBC + HMAC-SHA512 per page), the scheme of folders encrypted before
 *    AEGIS became the default; they keep it and open as before.
 *
 * Keys are always raw 256-bit keys derived from the folder's data key (vault/key-file.ts), so neither scheme runs
 * its own passphrase KDF.
 */
import type Database from 'better-sqlite3';

export const DATABASE_CIPHERS = ['aegis-256', 'sqlcipher-4'] as const;
export type DatabaseCipher = (typeof DATABASE_CIPHERS)[number];

/** The scheme of databases encrypted from now on. */
export const DEFAULT_DATABASE_CIPHER: DatabaseCipher = 'aegis-256';
/** The scheme of folders whose key file names none (encrypted before the scheme was recorded). */
export const LEGACY_DATABASE_CIPHER: DatabaseCipher = 'sqlcipher-4';

/** A database's raw key with the scheme it is used under. */
export interface DatabaseKey {
  readonly cipher: DatabaseCipher;
  /** 32 bytes. */
  readonly key: Buffer;
}

/** SQLite3 Multiple Ciphers' number for AEGIS-256 in `PRAGMA algorithm` (1 = AEGIS-128L … 6 = AEGIS-256x4). */
const AEGIS_256 = 4;

/**
 * Selects the scheme on a connection; `PRAGMA key` or `PRAGMA rekey` must follow. Checked by reading the
 * setting back, so a build without the scheme fails here instead of writing something else.
 */
export function selectCipher(db: Database.Database, cipher: DatabaseCipher): void {
  if (cipher === 'aegis-256') {
    db.pragma("cipher = 'aegis'");
    db.pragma(`algorithm = ${AEGIS_256}`);
    if (db.pragma('cipher', { simple: true }) !== 'aegis' || db.pragma('algorithm', { simple: true }) !== 'aegis-256') {
      throw new Error('This SQLite build has no AEGIS-256 cipher');
    }
  } else {
    db.pragma("cipher = 'sqlcipher'");
    db.pragma('legacy = 4');
  }
}

/** The SQL literal of a raw key for `PRAGMA key` / `PRAGMA rekey` (never logged). */
export function rawKeyLiteral(key: Buffer): string {
  return `"x'${key.toString('hex')}'"`;
}
