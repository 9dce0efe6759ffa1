/**
 * What a transport (Electron IPC and protocols, the browser-mode server) needs from the application: requests,
 * events, renderer connections going away, and session media for playback. The app host (vault/app-host.ts)
 * provides it across lock and unlock; a bare core (tests) through endpointOf.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Result } from '../../src-shared/errors.js';
import type { AppCore } from './app-core.js';
import type { StoredMediaReader } from './crypto/media-store.js';
import type { EventBus } from './event-bus.js';
import { sessionMediaPath } from './recording/session-folder.js';
import type { CallContext } from './rpc/dispatch.js';

export type MediaOpen = { ok: true; reader: StoredMediaReader } | { ok: false; why: 'locked' | 'not_found' | 'missing' };

export interface AppEndpoint {
  readonly events: EventBus;
  handle(method: unknown, input: unknown, ctx: CallContext): Promise<Result<unknown>>;
  clientGone(clientId: string, why: string): Promise<void>;
  /** A stored media file of a session, for playback (decrypted as read); nothing while locked. */
  openMedia(sessionId: number, fileName: string): Promise<MediaOpen>;
}

function insideRealFolder(folder: string, parent: string): boolean {
  try {
    return path.dirname(realpathSync(folder)) === realpathSync(parent);
  } catch {
    return true; // missing: opening says so
  }
}

/**
 * Only files the database lists for that session, in a session folder that is not a link out of the data
 * folder, opened without following a symlink (the media store's open).
 */
export async function openSessionMedia(core: AppCore, sessionId: number, fileName: string): Promise<MediaOpen> {
  const { sessions, dataDir, mediaStore: media } = core.services;
  const file = sessionMediaPath(sessions, dataDir, sessionId, fileName);
  if (!file || !insideRealFolder(path.dirname(file), path.join(dataDir, 'sessions'))) return { ok: false, why: 'not_found' };
  try {
    return { ok: true, reader: await media.open(file) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, why: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'not_found' };
  }
}

/** A bare core as an endpoint (it is never locked). */
export function endpointOf(app: AppCore | AppEndpoint): AppEndpoint {
  if (!('services' in app)) return app;
  return {
    events: app.services.events,
    handle: (m, i, c) => app.handle(m, i, c),
    clientGone: (id, why) => app.clientGone(id, why),
    openMedia: (sid, name) => openSessionMedia(app, sid, name),
  };
}
