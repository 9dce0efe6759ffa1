/** Playable copies of a data folder's clips, with the keep-originals setting, built once per core. */
import type { EventBus } from '../event-bus.js';
import type { Db } from '../store/database.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import type { SettingsRepo } from '../store/settings-repo.js';
import { type MadePlayable, makePlayable, type MakePlayableOptions } from './make-playable.js';

/** Settings key: '0' removes an original once its playable copy exists; anything else (default) keeps it. */
export const KEEP_ORIGINALS_KEY = 'import.keepOriginals';

export interface MediaServices {
  keepOriginals(): boolean;
  setKeepOriginals(keep: boolean): void;
  /** makePlayable (make-playable.ts), pushing `media.progress` events at most every 250 ms. */
  makePlayable(sessionId: number, mediaFileId: number, opts?: MakePlayableOptions): Promise<MadePlayable>;
}

export function createMediaServices(d: { db: Db; dataDir: string; sessions: SessionsRepo; settings: SettingsRepo; events: EventBus }): MediaServices {
  const keepOriginals = () => d.settings.get(KEEP_ORIGINALS_KEY) !== '0';
  return {
    keepOriginals,
    setKeepOriginals: (keep) => d.settings.set(KEEP_ORIGINALS_KEY, keep ? '1' : '0'),
    makePlayable: (sessionId, mediaFileId, opts = {}) => {
      let last = 0;
      return makePlayable({ db: d.db, dataDir: d.dataDir, sessions: d.sessions, keepOriginals }, sessionId, mediaFileId, {
        ...opts,
        onProgress: (fraction) => {
          opts.onProgress?.(fraction);
          const now = performance.now();
          if (fraction < 1 && now - last < 250) return;
          last = now;
          d.events.emit('media.progress', { sessionId, mediaFileId, stage: 'converting', fraction });
        },
      });
    },
  };
}
