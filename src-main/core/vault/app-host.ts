/**
 * The application around the core: it owns the data folder's lock state. An encrypted folder opens locked;
 * while locked there is no core (no database connection, no media store) and no key in memory, so nothing
 * can be read or served: every request but the vault's is answered `locked`. Unlocking (passphrase, recovery
 * key or the OS keychain) opens a core; locking, by request or after the configured idle time, closes it the
 * way the app closes (recordings are finalized, running analyses stop resumably) and wipes the keys.
 *
 * A clear folder (made before encryption existed) opens directly, as before; it can be encrypted in place.
 * A new folder must be set up with a passphrase first: encryption is the default.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { contract } from '../../../src-shared/contract/index.js';
import { isVaultMethod, type MigrationProgress, type VaultMethod, type VaultState, type VaultStatus } from '../../../src-shared/contract/vault.js';
import { ApiError, type Result } from '../../../src-shared/errors.js';
import { type AppCore, createCore } from '../app-core.js';
import { acquireDataLock } from '../config/data-lock.js';
import { EventBus } from '../event-bus.js';
import type { ProviderPreference } from '../inference/providers.js';
import { type AppEndpoint, type MediaOpen, openSessionMedia } from '../app-endpoint.js';
import type { CallContext } from '../rpc/dispatch.js';
import { encryptFolder, markMigrationStarted } from './encrypt-folder.js';
import { folderKind } from './folder-kind.js';
import {
  checkPassphrase,
  type FolderKeys,
  hasKeyFile,
  keysFromDataKey,
  newKeyFile,
  readKeyFile,
  unlockWithPassphrase,
  unlockWithRecoveryKey,
  withNewPassphrase,
  VaultError,
  withNewRecoveryKey,
  writeKeyFile,
  WrongSecretError,
} from './key-file.js';
import { apiError } from '../../../src-shared/i18n/errors.js';
import type { MessageKey } from '../../../src-shared/i18n/i18n.js';

/** The OS keychain (Electron safeStorage), supplied by the Electron shell only. */
export interface KeychainStore {
  readonly available: boolean;
  has(keyId: string): boolean;
  save(keyId: string, dataKey: Buffer): void;
  load(keyId: string): Buffer | null;
  forget(keyId: string): void;
}

export interface HostOptions {
  dataDir: string;
  provider?: ProviderPreference;
  keychain?: KeychainStore;
  /** How often the idle timer is looked at (default 15 s). */
  idleCheckMs?: number;
  /** Length of an idle-lock "minute" in ms: tests shorten it. */
  minuteMs?: number;
  log?: (message: string) => void;
}

export const DEFAULT_IDLE_LOCK_MINUTES = 15;
const IDLE_SETTING = 'vault.idleLockMinutes';

export class AppHost implements AppEndpoint {
  readonly events = new EventBus();
  readonly dataDir: string;
  private core: AppCore | null = null;
  private keys: FolderKeys | null = null;
  private state: VaultState;
  private migration: MigrationProgress | null = null;
  private lastActivity = Date.now();
  private idleMinutes = DEFAULT_IDLE_LOCK_MINUTES;
  private readonly timer: NodeJS.Timeout;
  /** Vault operations run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Wrong passphrases or recovery keys in a row: after a few, each further try waits longer. */
  private failures = 0;

  private constructor(
    private readonly opts: HostOptions,
    private readonly releaseLock: () => void,
  ) {
    this.dataDir = path.resolve(opts.dataDir);
    const kind = folderKind(this.dataDir);
    this.state = kind === 'encrypted' ? 'locked' : kind === 'new' ? 'setup' : kind;
    if (this.state === 'migrating') this.migration = { phase: 'media', doneBytes: 0, totalBytes: 0, interrupted: true };
    this.timer = setInterval(() => void this.checkIdle(), opts.idleCheckMs ?? 15_000);
    this.timer.unref();
  }

  /** Takes the data folder (one process at a time) and opens it: a clear folder at once, others locked. */
  static async open(opts: HostOptions): Promise<AppHost> {
    const dataDir = path.resolve(opts.dataDir);
    mkdirSync(path.join(dataDir, 'sessions'), { recursive: true, mode: 0o700 });
    const release = acquireDataLock(dataDir);
    const host = new AppHost(opts, release);
    try {
      if (host.state === 'clear') await host.openCore(null);
    } catch (e) {
      await host.close();
      throw e;
    }
    return host;
  }

  /** The open core, or null while locked. */
  get current(): AppCore | null {
    return this.core;
  }

  status(): VaultStatus {
    const keychain = this.opts.keychain;
    let enrolled = false;
    if (keychain?.available && hasKeyFile(this.dataDir)) {
      try {
        enrolled = keychain.has(readKeyFile(this.dataDir).keyId);
      } catch {
        /* unreadable key file: not enrolled */
      }
    }
    return {
      state: this.state,
      dataDir: this.dataDir,
      keychain: { available: !!keychain?.available, enrolled },
      idleLockMinutes: this.core ? (this.state === 'unlocked' ? this.idleMinutes : 0) : null,
      migration: this.migration,
    };
  }

  private changed(): VaultStatus {
    const s = this.status();
    this.events.emit('vault.changed', s);
    return s;
  }

  /** Every request of every transport comes here. */
  async handle(method: unknown, input: unknown, ctx: CallContext): Promise<Result<unknown>> {
    if (isVaultMethod(method)) return this.handleVault(method, input);
    if (!this.core) {
      const key = this.state === 'setup' ? 'errors.vault.setupFirst' : this.state === 'migrating' ? 'errors.vault.beingEncrypted' : 'errors.vault.locked';
      return { ok: false, error: apiError('locked', key).toBody() };
    }
    this.activity();
    return this.core.handle(method, input, ctx);
  }

  private async handleVault(method: VaultMethod, input: unknown): Promise<Result<unknown>> {
    const parsed = contract[method].input.safeParse(input ?? {});
    if (!parsed.success) return { ok: false, error: { code: 'invalid_input', message: parsed.error.issues.map((i) => i.message).join('; ') } };
    const run = async (): Promise<unknown> => {
      const p = parsed.data as Record<string, unknown>;
      switch (method) {
        case 'vault.status':
          return this.status();
        case 'vault.activity':
          this.activity();
          return {};
        case 'vault.setup':
          return this.setup(String(p.passphrase), p.useKeychain === true);
        case 'vault.unlock':
          return this.unlock(p as { passphrase?: string; recoveryKey?: string; keychain?: true });
        case 'vault.lock':
          return this.lock('on request');
        case 'vault.changePassphrase':
          return this.changePassphrase(String(p.current), String(p.next));
        case 'vault.newRecoveryKey':
          return this.newRecoveryKey(String(p.passphrase));
        case 'vault.setKeychain':
          return this.setKeychain(p.enabled === true);
        case 'vault.setIdleLock':
          return this.setIdleLock(Number(p.minutes));
        case 'vault.encrypt':
          return this.encrypt(String(p.passphrase));
      }
    };
    // Status and activity never wait behind a slow unlock or lock.
    const job = method === 'vault.status' || method === 'vault.activity' ? run() : (this.queue = this.queue.then(run, run));
    try {
      return { ok: true, value: await job };
    } catch (e) {
      if (e instanceof ApiError) return { ok: false, error: e.toBody() };
      if (e instanceof VaultError) return { ok: false, error: apiError('invalid_input', e.key, e.vars).toBody() };
      this.opts.log?.(`vault: ${e instanceof Error ? e.stack : String(e)}`);
      return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
    }
  }

  private requireState(...states: VaultState[]): void {
    if (!states.includes(this.state)) {
      const why = {
        setup: 'errors.vault.setupFirst',
        locked: 'errors.vault.locked',
        unlocked: 'errors.vault.alreadyUnlocked',
        clear: 'errors.vault.notEncrypted',
        migrating: 'errors.vault.beingEncrypted',
      } as const satisfies Record<VaultState, MessageKey>;
      throw apiError(this.state === 'locked' ? 'locked' : 'conflict', why[this.state]);
    }
  }

  private async openCore(keys: FolderKeys | null): Promise<void> {
    const core = await createCore({ dataDir: this.dataDir, provider: this.opts.provider, keys, events: this.events, noLock: true });
    this.core = core;
    this.keys = keys;
    if (keys) {
      const stored = Number(core.services.settings.get(IDLE_SETTING) ?? DEFAULT_IDLE_LOCK_MINUTES);
      this.idleMinutes = Number.isInteger(stored) && stored >= 0 ? stored : DEFAULT_IDLE_LOCK_MINUTES;
      this.state = 'unlocked';
    } else {
      this.state = 'clear';
    }
    this.lastActivity = Date.now();
  }

  private async setup(passphrase: string, useKeychain: boolean): Promise<{ recoveryKey: string; status: VaultStatus }> {
    this.requireState('setup');
    const { file, keys, recoveryKey } = await newKeyFile(passphrase);
    writeKeyFile(this.dataDir, file);
    if (useKeychain && this.opts.keychain?.available) this.saveToKeychain(file.keyId, keys);
    await this.openCore(keys);
    return { recoveryKey, status: this.changed() };
  }

  private saveToKeychain(keyId: string, keys: FolderKeys): void {
    const dataKey = keys.exportDataKey();
    try {
      this.opts.keychain!.save(keyId, dataKey);
    } finally {
      dataKey.fill(0);
    }
  }

  private async unlock(secret: { passphrase?: string; recoveryKey?: string; keychain?: true }): Promise<VaultStatus> {
    this.requireState('locked', 'migrating');
    if (this.state === 'migrating' && this.migration && !this.migration.interrupted) throw apiError('conflict', 'errors.vault.beingEncrypted');
    const file = readKeyFile(this.dataDir);
    // Someone at a locked machine trying passphrases: 1 s, 2 s, 4 s … (at most 30 s) after the fifth wrong one.
    if (this.failures >= 5) await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** (this.failures - 5))));
    let keys: FolderKeys;
    if (secret.passphrase !== undefined || secret.recoveryKey !== undefined) {
      try {
        keys = secret.passphrase !== undefined ? await unlockWithPassphrase(file, secret.passphrase) : unlockWithRecoveryKey(file, secret.recoveryKey!);
      } catch (e) {
        if (e instanceof WrongSecretError) this.failures++;
        throw e;
      }
      this.failures = 0;
    } else {
      const stored = this.opts.keychain?.available ? this.opts.keychain.load(file.keyId) : null;
      if (!stored) throw apiError('unavailable', 'errors.vault.keychainEmpty');
      try {
        keys = keysFromDataKey(file, stored);
      } finally {
        stored.fill(0);
      }
    }
    if (this.state === 'migrating') {
      await this.runMigration(keys);
      return this.status();
    }
    try {
      await this.openCore(keys);
    } catch (e) {
      keys.wipe();
      throw e;
    }
    return this.changed();
  }

  /** Closes the core (finalizing recordings, stopping analyses) and forgets the keys. */
  async lock(reason: string): Promise<VaultStatus> {
    if (this.state === 'locked') return this.status();
    this.requireState('unlocked');
    const core = this.core;
    this.core = null;
    this.state = 'locked';
    this.opts.log?.(`Affect Studio locked (${reason})`);
    try {
      await core?.close();
    } finally {
      this.keys?.wipe();
      this.keys = null;
    }
    return this.changed();
  }

  private async verifyPassphrase(passphrase: string): Promise<void> {
    const check = await unlockWithPassphrase(readKeyFile(this.dataDir), passphrase);
    check.wipe();
  }

  private async changePassphrase(current: string, next: string): Promise<VaultStatus> {
    this.requireState('unlocked');
    checkPassphrase(next);
    await this.verifyPassphrase(current);
    writeKeyFile(this.dataDir, await withNewPassphrase(readKeyFile(this.dataDir), this.keys!, next));
    return this.changed();
  }

  private async newRecoveryKey(passphrase: string): Promise<{ recoveryKey: string; status: VaultStatus }> {
    this.requireState('unlocked');
    await this.verifyPassphrase(passphrase);
    const { file, recoveryKey } = withNewRecoveryKey(readKeyFile(this.dataDir), this.keys!);
    writeKeyFile(this.dataDir, file);
    return { recoveryKey, status: this.changed() };
  }

  private setKeychain(enabled: boolean): VaultStatus {
    this.requireState('unlocked');
    const keychain = this.opts.keychain;
    if (!keychain?.available) throw apiError('unavailable', 'errors.vault.noKeychain');
    const { keyId } = readKeyFile(this.dataDir);
    if (enabled) this.saveToKeychain(keyId, this.keys!);
    else keychain.forget(keyId);
    return this.changed();
  }

  private setIdleLock(minutes: number): VaultStatus {
    this.requireState('unlocked');
    this.core!.services.settings.set(IDLE_SETTING, String(minutes));
    this.idleMinutes = minutes;
    this.lastActivity = Date.now();
    return this.changed();
  }

  /** Starts encrypting a clear folder; the reply comes at once with the recovery key, progress follows as events. */
  private async encrypt(passphrase: string): Promise<{ recoveryKey: string; status: VaultStatus }> {
    this.requireState('clear');
    const { file, keys, recoveryKey } = await newKeyFile(passphrase);
    const core = this.core;
    this.core = null;
    this.state = 'migrating';
    this.migration = { phase: 'media', doneBytes: 0, totalBytes: 0, interrupted: false };
    await core?.close();
    // The marker goes first: a key file without it would make the clear folder look encrypted.
    markMigrationStarted(this.dataDir);
    writeKeyFile(this.dataDir, file);
    const status = this.changed();
    // Queued behind this request so nothing else runs while the files change.
    this.queue = this.queue.then(() => this.runMigration(keys)).catch(() => undefined);
    return { recoveryKey, status };
  }

  private async runMigration(keys: FolderKeys): Promise<void> {
    this.migration = { phase: 'media', doneBytes: 0, totalBytes: 0, interrupted: false };
    this.changed();
    try {
      await encryptFolder(this.dataDir, keys, (p) => {
        this.migration = { ...p, interrupted: false };
        this.changed();
      });
    } catch (e) {
      this.migration = { ...(this.migration ?? { phase: 'media', doneBytes: 0, totalBytes: 0 }), interrupted: true };
      keys.wipe();
      this.changed();
      this.events.emit('notice', { level: 'error', message: `Encrypting the data folder stopped: ${e instanceof Error ? e.message : String(e)}. Unlock with the passphrase to try again; nothing was lost.` });
      throw e;
    }
    this.migration = null;
    await this.openCore(keys);
    this.changed();
  }

  /** The user did something (a request, playback, input in the window). */
  activity(): void {
    this.lastActivity = Date.now();
  }

  private async checkIdle(): Promise<void> {
    if (this.state !== 'unlocked' || this.idleMinutes === 0 || this.closed) return;
    const limit = this.idleMinutes * (this.opts.minuteMs ?? 60_000);
    if (Date.now() - this.lastActivity < limit) return;
    this.queue = this.queue.then(async () => {
      if (this.state === 'unlocked' && Date.now() - this.lastActivity >= limit) await this.lock(`no use for ${this.idleMinutes} min`);
    });
    await this.queue.catch(() => undefined);
  }

  /** A stored media file of a session, for playback; nothing while locked. */
  async openMedia(sessionId: number, fileName: string): Promise<MediaOpen> {
    const core = this.core;
    if (!core) return { ok: false, why: 'locked' };
    this.activity();
    return openSessionMedia(core, sessionId, fileName);
  }

  async clientGone(clientId: string, why: string): Promise<void> {
    await this.core?.clientGone(clientId, why);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.queue.catch(() => undefined);
    const core = this.core;
    this.core = null;
    try {
      await core?.close();
    } finally {
      this.keys?.wipe();
      this.keys = null;
      this.releaseLock();
    }
  }
}
