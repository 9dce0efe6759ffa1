export type View = 'sessions' | 'capture' | 'review' | 'audit' | 'settings';

/** Which view is shown and for which session; kept in the URL hash so a reload returns to the same place. */
class Router {
  view = $state<View>('sessions');
  sessionId = $state<number | null>(null);
  /** Set while leaving the current view would cut something short (a recording); the nav says why. */
  lockedReason = $state<string | null>(null);

  constructor() {
    this.readHash();
    window.addEventListener('hashchange', () => this.readHash());
  }

  private readHash(): void {
    const m = /^#\/(sessions|capture|review|audit|settings)(?:\/(\d+))?$/.exec(window.location.hash);
    if (!m) return;
    this.view = m[1] as View;
    this.sessionId = m[2] ? Number(m[2]) : this.sessionId;
  }

  go(view: View, sessionId: number | null = this.sessionId): void {
    this.view = view;
    this.sessionId = sessionId;
    const hash = `#/${view}${sessionId !== null && view !== 'sessions' && view !== 'settings' && view !== 'audit' ? `/${sessionId}` : ''}`;
    if (window.location.hash !== hash) history.replaceState(null, '', hash);
  }
}

export const router = new Router();
