export type View = 'sessions' | 'capture' | 'review' | 'report' | 'participant' | 'audit' | 'settings';

/** Views about one session (the id in the hash is a session id). */
const SESSION_VIEWS: readonly View[] = ['capture', 'review', 'report'];

/** Which view is shown and for which session; kept in the URL hash so a reload returns to the same place. */
class Router {
  view = $state<View>('sessions');
  sessionId = $state<number | null>(null);
  /** The participant whose trends page is shown. */
  participantId = $state<number | null>(null);
  /** Set while leaving the current view would cut something short (a recording); the nav says why. */
  lockedReason = $state<string | null>(null);

  constructor() {
    this.readHash();
    window.addEventListener('hashchange', () => this.readHash());
  }

  private readHash(): void {
    const m = /^#\/(sessions|capture|review|report|participant|audit|settings)(?:\/(\d+))?$/.exec(window.location.hash);
    if (!m) return;
    this.view = m[1] as View;
    const id = m[2] ? Number(m[2]) : null;
    if (this.view === 'participant') this.participantId = id ?? this.participantId;
    else this.sessionId = id ?? this.sessionId;
  }

  go(view: View, id: number | null = view === 'participant' ? this.participantId : this.sessionId): void {
    this.view = view;
    if (view === 'participant') this.participantId = id;
    else this.sessionId = id;
    const shown = view === 'participant' ? this.participantId : SESSION_VIEWS.includes(view) ? this.sessionId : null;
    const hash = `#/${view}${shown !== null ? `/${shown}` : ''}`;
    if (window.location.hash !== hash) history.replaceState(null, '', hash);
  }
}

export const router = new Router();
