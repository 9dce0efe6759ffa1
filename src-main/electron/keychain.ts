/**
 * The OS keychain for the data key, in the Electron shell only: Electron's safeStorage encrypts it with a
 * key the operating system keeps for this user (macOS Keychain, Windows DPAPI, the Secret Service / KWallet on
 * Linux). The encrypted blob lives in the configuration folder, one file per data folder key id, 0600. Where
 * Linux has no keyring, safeStorage would fall back to a fixed password ("basic_text"): that is no
 * protection, so the keychain is then reported unavailable and never used.
 */
import { safeStorage } from 'electron';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KeychainStore } from '../core/vault/app-host.js';

export function electronKeychain(configDir: string): KeychainStore {
  const dir = path.join(configDir, 'keychain');
  const fileOf = (keyId: string) => path.join(dir, `${keyId.replace(/[^0-9a-f]/g, '')}.bin`);
  let available = false;
  try {
    available = safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
  } catch {
    available = false;
  }
  return {
    available,
    has: (keyId) => available && existsSync(fileOf(keyId)),
    save: (keyId, dataKey) => {
      if (!available) throw new Error('No secure keychain on this computer');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(fileOf(keyId), safeStorage.encryptString(dataKey.toString('base64')), { mode: 0o600 });
    },
    load: (keyId) => {
      if (!available || !existsSync(fileOf(keyId))) return null;
      try {
        return Buffer.from(safeStorage.decryptString(readFileSync(fileOf(keyId))), 'base64');
      } catch {
        return null;
      }
    },
    forget: (keyId) => rmSync(fileOf(keyId), { force: true }),
  };
}
