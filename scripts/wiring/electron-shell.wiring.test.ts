// Wiring test of the Electron shell: the built main entry (`package.json` main) runs under Node with a
// recording stand-in for the `electron` module. It checks what the shell sets up and how its handlers
// answer; it is NOT an Electron run (no Chromium, no real window): e2e/electron.spec.ts is, where Electron exists.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foreignAbiPackage, root, runShellUnderNode, type ShellRun } from './shell-under-node.js';

const built = existsSync(path.join(root, 'out', 'main'));

describe('Electron shell wiring (under Node, electron stood in)', () => {
  let run: ShellRun;
  beforeAll(() => {
    if (!built) throw new Error('out/main is missing: run `npm run build` first');
    run = runShellUnderNode();
  }, 120_000);
  afterAll(() => run && rmSync(run.dir, { recursive: true, force: true }));

  it('loads package.json main and opens one window on the app page', () => {
    const r = run.result;
    expect(r.loadError).toBeNull();
    expect(r.settledBy).toBe('window');
    expect(r.window?.loadedURL).toBe('app://affect/index.html');
    expect(r.record.calls.filter((c) => c.what === 'new BrowserWindow')).toHaveLength(1);
    expect(r.record.dialogs).toEqual([]);
  });

  it('takes the single-instance lock before anything else happens', () => {
    const calls = run.result.record.calls.map((c) => c.what);
    expect(calls).toContain('app.requestSingleInstanceLock');
    expect(calls.indexOf('app.requestSingleInstanceLock')).toBeLessThan(calls.indexOf('new BrowserWindow'));
  });

  it('registers app:// and affect-media:// as privileged before ready, and handles both', () => {
    const schemes = Object.fromEntries(run.result.record.schemes.map((s) => [s.scheme, s.privileges]));
    expect(Object.keys(schemes).sort()).toEqual(['affect-media', 'app']);
    expect(schemes.app).toMatchObject({ standard: true, secure: true });
    expect(schemes['affect-media']).toMatchObject({ standard: true, secure: true, stream: true });
    expect(run.result.record.protocols.sort()).toEqual(['affect-media', 'app']);
  });

  it('creates the window isolated: contextIsolation, sandbox, no Node integration, the preload from out/preload', () => {
    const wp = run.result.window!.options.webPreferences as Record<string, unknown>;
    expect(wp.contextIsolation).toBe(true);
    expect(wp.sandbox).toBe(true);
    expect(wp.nodeIntegration).toBe(false);
    expect(wp.webSecurity).not.toBe(false);
    expect(wp.preload).toBe(path.join(run.dir, 'out', 'preload', 'preload.cjs'));
    expect(existsSync(wp.preload as string)).toBe(true);
  });

  it('allows camera and microphone for the app page only, and refuses every other permission', () => {
    expect(run.result.record.hasPermissionRequestHandler).toBe(true);
    expect(run.result.record.hasPermissionCheckHandler).toBe(true);
    expect(run.result.probes.permissionRequest).toEqual({ mediaFromApp: true, mediaFromOther: false, geolocationFromApp: false, notificationsFromApp: false });
    expect(run.result.probes.permissionCheck).toEqual({ mediaFromApp: true, mediaFromOther: false, clipboardFromApp: false });
  });

  it('blocks navigation away from the app and every window.open', () => {
    expect(run.result.probes.navigationBlocked).toEqual({ other: true, file: true, app: false });
    expect(run.result.probes.windowOpen).toEqual({ action: 'deny' });
  });

  it('has one IPC handler, which answers the app page from the real core and refuses other senders', () => {
    expect(run.result.record.ipcChannels).toEqual(['affect:invoke']);
    const ipc = run.result.probes.ipc;
    expect(ipc.fromOther).toMatchObject({ ok: false });
    expect(ipc.withoutFrame).toMatchObject({ ok: false });
    expect(ipc.beforeSetup).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(ipc.vaultStatus).toMatchObject({ ok: true, value: { state: 'setup', keychain: { available: false } } });
    expect(ipc.setup).toMatchObject({ ok: true, value: { status: { state: 'unlocked' } } });
    expect(ipc.fromApp).toEqual({ ok: true, value: [] });
    expect(ipc.badInput).toMatchObject({ ok: false });
    expect(existsSync(path.join(run.dataDir, 'affect-studio.sqlite'))).toBe(true);
  });

  it('serves the renderer over app:// with the CSP, and nothing outside it', () => {
    const { index, traversal, missing } = run.result.probes.appProtocol;
    expect(index.status).toBe(200);
    expect(index.type).toMatch(/text\/html/);
    const csp = String(index.csp);
    for (const d of ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "connect-src 'self'"]) expect(csp).toContain(d);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(eval|inline)'/);
    expect(traversal.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(run.result.probes.mediaUnknownSession).toBe(404);
    expect(run.result.probes.mediaWhileLocked).toBe(423);
  });

  it('closes the core before quitting', () => {
    expect(run.result.record.quit).toBe(true);
    expect(run.status).toBe(0);
  });
});

describe('Electron shell wiring: a native module built for another runtime', () => {
  let run: ShellRun;
  const foreign = Number(process.versions.modules) + 35;
  beforeAll(() => {
    if (!built) throw new Error('out/main is missing: run `npm run build` first');
    run = runShellUnderNode({ replaceModule: { name: 'better-sqlite3', build: (d) => foreignAbiPackage(d, 'better-sqlite3', 'build/Release/better_sqlite3.node', foreign) } });
  }, 120_000);
  afterAll(() => run && rmSync(run.dir, { recursive: true, force: true }));

  it('shows a dialog that names the module, both module versions and the fix, then exits without touching the data folder', () => {
    const r = run.result;
    expect(r.loadError).toBeNull();
    expect(r.settledBy).toBe('exit');
    expect(r.record.exitCode).toBe(1);
    expect(r.record.dialogs).toHaveLength(1);
    const { title, content } = r.record.dialogs[0];
    expect(title).toBe('Affect Studio cannot start');
    expect(content).toContain(`better-sqlite3 (the database) was built for module version ${foreign}`);
    expect(content).toContain(`needs module version ${process.versions.modules}`);
    expect(content).toMatch(/reinstall Affect Studio/);
    expect(content).toContain('npm start');
    expect(r.record.calls.map((c) => c.what)).not.toContain('new BrowserWindow');
    expect(existsSync(run.dataDir)).toBe(false);
  });
});
