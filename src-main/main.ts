/**
 * Electron shell: a window, the app's own protocols, IPC onto the core, permissions. All behaviour lives
 * in ./core, which runs the same under plain Node (tests, browser mode, CLI).
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session as electronSession } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from './core/config/app-config.js';
import { configDir } from './core/config/app-paths.js';
import { resolveInside } from './core/server/static-files.js';
import { AppHost } from './core/vault/app-host.js';
import { fileResponse } from './electron/file-response.js';
import { electronKeychain } from './electron/keychain.js';
import { mediaResponse } from './electron/media-response.js';
import { hardenProcess } from './core/security/process-hardening.js';

hardenProcess();
const here = path.dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = path.resolve(here, '..', 'renderer');
const PRELOAD = path.resolve(here, '..', 'preload', 'preload.cjs');
const APP_ORIGIN = 'app://affect';
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: affect-media:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: 'affect-media', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

const isAppUrl = (url: string) => url.startsWith(`${APP_ORIGIN}/`);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let core: AppHost | null = null;
  let win: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  app.whenReady().then(async () => {
    try {
      // Opens locked (or asks for set-up); a key kept in the OS keychain, when the user chose that, opens it.
      core = await AppHost.open({ dataDir: resolveDataDir(), keychain: electronKeychain(configDir()), log: (m) => console.error(m) });
      if (core.status().state === 'locked' && core.status().keychain.enrolled) await core.handle('vault.unlock', { keychain: true }, { clientId: 'shell' });
    } catch (e) {
      dialog.showErrorBox('Affect Studio cannot start', e instanceof Error ? e.message : String(e));
      app.quit();
      return;
    }
    const c = core;

    protocol.handle('app', (req) => {
      const url = new URL(req.url);
      const file = url.pathname === '/' ? path.join(RENDERER_DIR, 'index.html') : resolveInside(RENDERER_DIR, url.pathname);
      return file ? fileResponse(file, null, { 'content-security-policy': CSP }) : new Response('Not found', { status: 404 });
    });
    protocol.handle('affect-media', (req) => {
      // affect-media://session/<id>/<file>: only files the database lists for that session are served.
      const m = /^\/(\d+)\/([^/]+)$/.exec(new URL(req.url).pathname);
      if (!m) return new Response('Not found', { status: 404 });
      const sessionId = Number(m[1]);
      let fileName: string;
      try {
        fileName = decodeURIComponent(m[2]);
      } catch {
        return new Response('Bad media address', { status: 400 });
      }
      return c.openMedia(sessionId, fileName).then((opened) => mediaResponse(opened, fileName, req.headers.get('range')));
    });

    // Camera and microphone for the app's own pages only; every other permission is refused.
    const ses = electronSession.defaultSession;
    ses.setPermissionRequestHandler((wc, permission, callback) => callback(permission === 'media' && isAppUrl(wc.getURL())));
    ses.setPermissionCheckHandler((_wc, permission, origin) => permission === 'media' && origin === APP_ORIGIN);

    ipcMain.handle('affect:invoke', (e, method: unknown, input: unknown) => {
      if (!e.senderFrame || !isAppUrl(e.senderFrame.url)) return { ok: false, error: { code: 'unavailable', message: 'Refused: not the application page' } };
      return c.handle(method, input, { clientId: `wc-${e.sender.id}` });
    });

    win = new BrowserWindow({
      width: 1280,
      height: 860,
      title: 'Affect Studio',
      webPreferences: { preload: PRELOAD, contextIsolation: true, nodeIntegration: false, sandbox: true, webSecurity: true },
    });
    const wc = win.webContents;
    const clientId = `wc-${wc.id}`;
    const unsubscribe = c.events.subscribe((name, payload) => {
      if (!wc.isDestroyed()) wc.send('affect:event', name, payload);
    });
    wc.on('render-process-gone', (_e, details) => void c.clientGone(clientId, `The window stopped (${details.reason}) while recording; everything written before that was kept`));
    wc.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) void c.clientGone(clientId, 'The window was reloaded while recording; everything written before that was kept');
    });
    wc.on('will-navigate', (e, url) => {
      if (!isAppUrl(url)) e.preventDefault();
    });
    wc.setWindowOpenHandler(() => ({ action: 'deny' }));
    win.on('closed', () => {
      unsubscribe();
      win = null;
    });
    await win.loadURL(`${APP_ORIGIN}/index.html`);
  });

  let quitting = false;
  app.on('before-quit', (e) => {
    if (quitting || !core) return;
    e.preventDefault();
    quitting = true;
    void core.close().finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}
