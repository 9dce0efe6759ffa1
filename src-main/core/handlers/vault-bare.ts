import type { VaultMethod, VaultStatus } from '../../../src-shared/contract/vault.js';
import { apiError } from '../../../src-shared/i18n/errors.js';
import type { CoreServices } from '../core-services.js';
import type { Handlers } from '../rpc/dispatch.js';

/**
 * A core on its own (CLI, tests) is already open: it reports that and leaves locking, set-up and passphrase
 * changes to the application host (vault/app-host.ts), which answers these requests before they reach a core.
 */
export function bareVaultHandlers(s: CoreServices): Pick<Handlers, VaultMethod> {
  const status = (): VaultStatus => ({
    state: s.mediaStore.encrypted ? 'unlocked' : 'clear',
    dataDir: s.dataDir,
    keychain: { available: false, enrolled: false },
    idleLockMinutes: 0,
    migration: null,
  });
  const unavailable = (): never => {
    throw apiError('unavailable', 'errors.vault.notThisCore');
  };
  return {
    'vault.status': status,
    'vault.activity': () => ({}),
    'vault.setup': unavailable,
    'vault.unlock': unavailable,
    'vault.lock': unavailable,
    'vault.changePassphrase': unavailable,
    'vault.newRecoveryKey': unavailable,
    'vault.setKeychain': unavailable,
    'vault.setIdleLock': unavailable,
    'vault.encrypt': unavailable,
  };
}
