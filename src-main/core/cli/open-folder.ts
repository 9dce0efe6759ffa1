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
import { type FolderKeys, KeyFileError, newKeyFile, readKeyFile, unlockWithPassphrase, writeKeyFile, WrongSecretError } from '../vault/key-file.js';
import { getPassphrase, PassphraseInputError } from '../vault/passphrase-input.js';
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
  return [
    `Recovery key for ${dataDir} (shown once, stored nowhere):`,
    '',
    `    ${recoveryKey}`,
    '',
    'Write it down and keep it away from this computer. If both the passphrase and this key are lost, the data is lost.',
  ].join('\n');
}

async function unlockKeys(io: Io, dataDir: string, opts: FolderOptions): Promise<FolderKeys | number> {
  const pass = await getPassphrase(`Passphrase for ${dataDir}: `, { file: opts.passphraseFile });
  if (pass === null) {
    io.err(`affect: the data folder ${dataDir} is encrypted: give --passphrase-file FILE (or set AFFECT_PASSPHRASE_FILE), or run in a terminal to be asked`);
    return EXIT.dataFolder;
  }
  try {
    return await unlockWithPassphrase(readKeyFile(dataDir), pass);
  } catch (e) {
    if (e instanceof WrongSecretError || e instanceof KeyFileError) {
      io.err(`affect: ${e.message}`);
      return EXIT.dataFolder;
    }
    throw e;
  }
}

async function newKeys(io: Io, dataDir: string, opts: FolderOptions): Promise<FolderKeys | number> {
  const file = opts.passphraseFile ?? process.env.AFFECT_PASSPHRASE_FILE;
  const pass = await getPassphrase(`New passphrase for ${dataDir} (at least 10 characters): `, { file });
  if (pass === null) {
    io.err(`affect: ${dataDir} is a new data folder: give --passphrase-file FILE (or AFFECT_PASSPHRASE_FILE) to create it encrypted, or --no-encryption`);
    return EXIT.dataFolder;
  }
  if (!file && (await getPassphrase('The same passphrase again: ')) !== pass) {
    io.err('affect: the two passphrases differ; nothing was created');
    return EXIT.dataFolder;
  }
  try {
    const { file: keyFile, keys, recoveryKey } = await newKeyFile(pass);
    writeKeyFile(dataDir, keyFile);
    io.err(formatRecoveryKey(dataDir, recoveryKey));
    return keys;
  } catch (e) {
    if (e instanceof KeyFileError) {
      io.err(`affect: ${e.message}`);
      return EXIT.dataFolder;
    }
    throw e;
  }
}

function progressLine(io: Io): (p: { phase: string; doneBytes: number; totalBytes: number }) => void {
  return (p) => io.err(`affect: encrypting the data folder: ${p.phase}, ${(p.doneBytes / 2 ** 20).toFixed(1)} of ${(p.totalBytes / 2 ** 20).toFixed(1)} MiB`);
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
          io.err('affect: this data folder was being encrypted when that stopped; finishing it first');
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
    if (e instanceof PassphraseInputError) io.err(`affect: ${e.message}`);
    else if (e instanceof DataFolderBusyError) io.err(`affect: ${e.message} (close it, or use --data-dir)`);
    else io.err(`affect: cannot open the data folder: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.dataFolder;
  }
}

/** `affect encrypt`: encrypts a clear folder in place (or finishes an interrupted run). */
export async function encryptCommand(io: Io, opts: FolderOptions): Promise<number> {
  const dataDir = path.resolve(opts.dataDir);
  const kind = folderKind(dataDir);
  if (kind === 'encrypted') {
    io.err(`affect: ${dataDir} is already encrypted`);
    return EXIT.ok;
  }
  if (kind === 'new') {
    io.err(`affect: ${dataDir} holds no data folder`);
    return EXIT.dataFolder;
  }
  let release: () => void;
  try {
    release = acquireDataLock(dataDir);
  } catch (e) {
    io.err(`affect: ${e instanceof Error ? e.message : String(e)} (close it first)`);
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
    if (e instanceof PassphraseInputError) {
      io.err(`affect: ${e.message}`);
      return EXIT.dataFolder;
    }
    io.err(`affect: encrypting stopped: ${e instanceof Error ? e.message : String(e)}; run the command again to continue (nothing was lost)`);
    return EXIT.failed;
  } finally {
    release();
  }
}
