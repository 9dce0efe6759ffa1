/**
 * The data folder's lock state as the renderer sees it: loaded once, then kept current by vault.changed
 * events, and re-read when a request comes back `locked`. Also tells the host the user is at the keyboard
 * (or watching a recording), at most once a minute, so the idle lock only fires when nobody is there.
 */
import type { VaultStatus } from '../../../src-shared/contract/vault.js';
import { api } from '../api/client.js';

class VaultStore {
  status = $state<VaultStatus | null>(null);
  error = $state<string | null>(null);
  /**
   * A recovery key just made (set-up, encrypting a folder, a new key): shown by the gate, over whatever the
   * state change behind it would show, until the user says it is stored. It is kept nowhere else.
   */
  recoveryKey = $state<string | null>(null);

  get open(): boolean {
    return this.status?.state === 'unlocked' || this.status?.state === 'clear';
  }

  async refresh(): Promise<void> {
    try {
      this.status = await api.call('vault.status', {});
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  set(s: VaultStatus): void {
    this.status = s;
  }

  private lastPing = 0;
  activity(): void {
    const now = Date.now();
    if (!this.open || now - this.lastPing < 60_000) return;
    this.lastPing = now;
    void api.call('vault.activity', {}).catch(() => undefined);
  }

  async lock(): Promise<void> {
    this.status = await api.call('vault.lock', {});
  }

  start(): () => void {
    void this.refresh();
    const off = api.on('vault.changed', (s) => (this.status = s));
    const onInput = (): void => this.activity();
    const events = ['keydown', 'pointerdown', 'wheel'] as const;
    for (const e of events) window.addEventListener(e, onInput, { passive: true, capture: true });
    // A recording being watched is use too (media events do not bubble: listen while capturing).
    document.addEventListener('timeupdate', onInput, true);
    return () => {
      off();
      for (const e of events) window.removeEventListener(e, onInput, { capture: true });
      document.removeEventListener('timeupdate', onInput, true);
    };
  }
}

export const vault = new VaultStore();
