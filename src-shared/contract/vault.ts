import { z } from 'zod';
import { method } from './spec.js';

/** At least this many characters; the UI says so before sending. */
export const MIN_PASSPHRASE_CHARS = 10;
const passphrase = z.string().min(1).max(1024);

/**
 * Where the data folder stands:
 * - setup: a new folder; nothing can be stored until a passphrase is chosen (encryption is the default)
 * - locked: encrypted, no key held; only these vault requests are answered
 * - unlocked: encrypted and open
 * - clear: an unencrypted folder from before encryption existed (it can be encrypted in place)
 * - migrating: being encrypted in place (or interrupted while it was: unlock with the passphrase to go on)
 */
export const vaultStateSchema = z.enum(['setup', 'locked', 'unlocked', 'clear', 'migrating']);
export type VaultState = z.infer<typeof vaultStateSchema>;

export const migrationProgressSchema = z.object({
  phase: z.enum(['media', 'database', 'done']),
  doneBytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative(),
  /** True when a previous run stopped part-way; unlocking continues it. */
  interrupted: z.boolean(),
});
export type MigrationProgress = z.infer<typeof migrationProgressSchema>;

export const vaultStatusSchema = z.object({
  state: vaultStateSchema,
  dataDir: z.string(),
  /** The OS keychain (Electron only): available on this system, and holding this folder's key. */
  keychain: z.object({ available: z.boolean(), enrolled: z.boolean() }),
  /** Minutes without use before the app locks itself; 0: never. Null while locked (it is stored encrypted). */
  idleLockMinutes: z.number().int().nonnegative().nullable(),
  migration: migrationProgressSchema.nullable(),
});
export type VaultStatus = z.infer<typeof vaultStatusSchema>;

const recoveryReply = z.object({ recoveryKey: z.string(), status: vaultStatusSchema });

export const vaultMethods = {
  'vault.status': method(z.object({}).strict(), vaultStatusSchema),
  /** Creates the encrypted folder; the recovery key in the reply is shown once and never stored. */
  'vault.setup': method(z.object({ passphrase, useKeychain: z.boolean().optional() }).strict(), recoveryReply),
  'vault.unlock': method(
    z.union([
      z.object({ passphrase }).strict(),
      z.object({ recoveryKey: z.string().min(1).max(200) }).strict(),
      z.object({ keychain: z.literal(true) }).strict(),
    ]),
    vaultStatusSchema,
  ),
  'vault.lock': method(z.object({}).strict(), vaultStatusSchema),
  'vault.changePassphrase': method(z.object({ current: passphrase, next: passphrase }).strict(), vaultStatusSchema),
  'vault.newRecoveryKey': method(z.object({ passphrase }).strict(), recoveryReply),
  'vault.setKeychain': method(z.object({ enabled: z.boolean() }).strict(), vaultStatusSchema),
  'vault.setIdleLock': method(z.object({ minutes: z.number().int().min(0).max(24 * 60) }).strict(), vaultStatusSchema),
  /** Encrypts a clear folder in place (progress in vault.changed events); resumable. */
  'vault.encrypt': method(z.object({ passphrase }).strict(), recoveryReply),
  /** The user is at the keyboard (sent at most once a minute while there is input): resets the idle timer. */
  'vault.activity': method(z.object({}).strict(), z.object({})),
} as const;

export type VaultMethod = keyof typeof vaultMethods;
export const isVaultMethod = (m: unknown): m is VaultMethod => typeof m === 'string' && Object.prototype.hasOwnProperty.call(vaultMethods, m);

export const vaultEvents = {
  'vault.changed': vaultStatusSchema,
} as const;
