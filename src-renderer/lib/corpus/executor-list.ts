/** Who can analyse a batch, as the core lists them: this computer at first, lab workers once a lab queue is connected. */
import type { ExecutorView } from '../../../src-shared/contract/batch.js';
import { api } from '../api/client.js';
import { t } from '../i18n/i18n.js';

/** What the choice shows before the core has answered. */
export function thisComputerOnly(): ExecutorView[] {
  return [{ id: 'local', label: t('corpus.localExecutor'), unavailable: null }];
}

/** Calls `set` with the list now and whenever it changes; returns the unsubscribe (for a component's $effect). */
export function followExecutors(set: (list: ExecutorView[]) => void): () => void {
  const load = () =>
    void api.call('batch.executors', {}).then(
      (list) => set(list),
      () => undefined,
    );
  load();
  return api.on('batch.executors', load);
}
