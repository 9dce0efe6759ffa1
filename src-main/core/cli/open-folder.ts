/**
 * How `affect` opens a data folder of either kind. An encrypted folder needs its passphrase: from
 * --passphrase-file FILE or AFFECT_PASSPHRASE_FILE, else asked on the terminal (never an argument). A new
 * folder is created encrypted (its recovery key printed once, on stderr) unless --no-encryption is given. A
 * folder whose encryption was interrupted is finished first. A clear folder opens as it always did.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { type AppCore, createCore } from '../app-core.js';
import { acquireDataLock, DataFolderBusyError } from '../config/data-lock.js';
import type { ProviderPreference } from '../inference/providers.js';
import { encryptFolder, markMigrationStarted, MIGRATION_MARKER } from '../vault/encrypt-folder.js';
import { folderKind } from '../vault/folder-kind.js';
import type { MessageKey } from '../../../src-shared/i18n/i18n.js';
import { type FolderKeys, newKeyFile, readKeyFile, unlockWithPassphrase, VaultError, writeKeyFile } from '../vault/key-file.js';
import { getPassphrase } from '../vault/passphrase-input.js';
import { ct } from './cli-language.js';
import type { Io } from './analyze-command.js';
import { EXIT } from './exit-codes.js';

export interface FolderOptions {
  dataDir: string;
  provider?: ProviderPreference;
  passphraseFile?: string;
  noEncryption?: boolean;
}

/** Options every command that opens a data folder takes (for parseArgs). */
export const FOLDER_OPTIONS = {
  'data-dir': { type: 'string' },
  'passphrase-file': { type: 'string' },
  'no-encryption': { type: 'boolean' },
} as const;

export function formatRecoveryKey(dataDir: string, recoveryKey: string): string {
  return ct('cli.recoveryKey', { dir: dataDir, key: recoveryKey });
}

/** A vault error in the system's language. */
const say = (e: VaultError): string => ct(e.key, e.vars);

async function unlockKeys(io: Io, dataDir: string, opts: FolderOptions): Promise<FolderKeys | number> {
  const pass = await getPassphrase(ct('cli.passphrasePrompt', { dir: dataDir }), { file: opts.passphraseFile });
  if (pass === null) {
    io.err(`affect: ${ct('cli.encryptedNeedsPassphrase', { dir: dataDir })}`);
    return EXIT.dataFolder;
  }
  try {
    return await unlockWithPassphrase(readKeyFile(dataDir), pass);
  } catch (e) {
    if (e instanceof VaultError) {
      io.err(`affect: ${say(e)}`);
      return EXIT.dataFolder;
    }
    throw e;
  }
}

async function newKeys(io: Io, dataDir: string, opts: FolderOptions): Promise<FolderKeys | number> {
  const file = opts.passphraseFile ?? process.env.AFFECT_PASSPHRASE_FILE;
  const pass = await getPassphrase(ct('cli.newPassphrasePrompt', { dir: dataDir }), { file });
  if (pass === null) {
    io.err(`affect: ${ct('cli.newFolderNeedsPassphrase', { dir: dataDir })}`);
    return EXIT.dataFolder;
  }
  if (!file && (await getPassphrase(ct('cli.passphraseAgainPrompt'))) !== pass) {
    io.err(`affect: ${ct('cli.passphrasesDiffer')}`);
    return EXIT.dataFolder;
  }
  try {
    const { file: keyFile, keys, recoveryKey } = await newKeyFile(pass);
    writeKeyFile(dataDir, keyFile);
    io.err(formatRecoveryKey(dataDir, recoveryKey));
    return keys;
  } catch (e) {
    if (e instanceof VaultError) {
      io.err(`affect: ${say(e)}`);
      return EXIT.dataFolder;
    }
    throw e;
  }
}

function progressLine(io: Io): (p: { phase: string; doneBytes: number; totalBytes: number }) => void {
  return (p) => io.err(`affect: ${ct('cli.encrypting', { phase: ct(`vault.phase.${p.phase}` as MessageKey), done: (p.doneBytes / 2 ** 20).toFixed(1), total: (p.totalBytes / 2 ** 20).toFixed(1) })}`);
}

/** The folder's core, or an exit code after saying why it cannot be opened. */
export async function openFolder(io: Io, opts: FolderOptions): Promise<AppCore | number> {
  const dataDir = path.resolve(opts.dataDir);
  try {
    const kind = folderKind(dataDir);
    let keys: FolderKeys | null = null;
    if (kind === 'encrypted' || kind === 'migrating') {
      const k = await unlockKeys(io, dataDir, opts);
      if (typeof k === 'number') return k;
      keys = k;
      if (kind === 'migrating') {
        const release = acquireDataLock(dataDir);
        try {
          io.err(`affect: ${ct('cli.finishingEncryption')}`);
          await encryptFolder(dataDir, keys, progressLine(io));
        } finally {
          release();
        }
      }
    } else if (kind === 'new' && !opts.noEncryption) {
      const k = await newKeys(io, dataDir, opts);
      if (typeof k === 'number') return k;
      keys = k;
    }
    return await createCore({ dataDir, provider: opts.provider, keys });
  } catch (e) {
    if (e instanceof VaultError) io.err(`affect: ${say(e)}`);
    else if (e instanceof DataFolderBusyError) io.err(`affect: ${ct('cli.folderBusy', { message: e.message })}`);
    else io.err(`affect: ${ct('cli.cannotOpen', { error: e instanceof Error ? e.message : String(e) })}`);
    return EXIT.dataFolder;
  }
}

/** `affect encrypt`: encrypts a clear folder in place (or finishes an interrupted run). */
export async function encryptCommand(io: Io, opts: FolderOptions): Promise<number> {
  const dataDir = path.resolve(opts.dataDir);
  const kind = folderKind(dataDir);
  if (kind === 'encrypted') {
    io.err(`affect: ${ct('cli.alreadyEncrypted', { dir: dataDir })}`);
    return EXIT.ok;
  }
  if (kind === 'new') {
    io.err(`affect: ${ct('cli.noDataFolder', { dir: dataDir })}`);
    return EXIT.dataFolder;
  }
  let release: () => void;
  try {
    release = acquireDataLock(dataDir);
  } catch (e) {
    io.err(`affect: ${ct('cli.closeItFirst', { message: e instanceof Error ? e.message : String(e) })}`);
    return EXIT.dataFolder;
  }
  try {
    let keys: FolderKeys | number;
    if (kind === 'migrating') keys = await unlockKeys(io, dataDir, opts);
    else {
      // The marker goes before the key file: a key file alone would make the clear folder look encrypted.
      markMigrationStarted(dataDir);
      keys = await newKeys(io, dataDir, opts);
      if (typeof keys === 'number') rmSync(path.join(dataDir, MIGRATION_MARKER), { force: true });
    }
    if (typeof keys === 'number') return keys;
    await encryptFolder(dataDir, keys, progressLine(io));
    keys.wipe();
    io.out(`ok\t${dataDir}`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof VaultError) {
      io.err(`affect: ${say(e)}`);
      return EXIT.dataFolder;
    }
    io.err(`affect: ${ct('cli.encryptStopped', { error: e instanceof Error ? e.message : String(e) })}`);
    return EXIT.failed;
  } finally {
    release();
  }
}
