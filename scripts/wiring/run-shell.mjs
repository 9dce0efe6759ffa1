// Harness of the wiring test: loads `package.json` main under Node with the recording stand-in for
// `electron` (found first in this folder's node_modules), plays Electron's events, exercises what the
// shell registered, and writes what it saw as JSON to $WIRING_OUT. Run from the folder the test lays out.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const electron = await import('electron');
const { record, settled, emitReady } = electron.__standin;
const result = { loadError: null, settledBy: null, probes: {} };

const main = JSON.parse(readFileSync('package.json', 'utf8')).main;
result.main = main;
try {
  await import(pathToFileURL(path.resolve(main)).href);
} catch (e) {
  result.loadError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
// Electron emits ready once the entry module (and its top-level await) has finished.
emitReady();
result.settledBy = await Promise.race([settled, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);

const win = record.windows[0];
if (result.settledBy === 'window' && win) {
  const wc = win.webContents;
  const APP = 'app://affect/index.html';
  const ask = (url, permission) => new Promise((resolve) => record.permissionRequest({ getURL: () => url }, permission, resolve));
  result.probes.permissionRequest = {
    mediaFromApp: await ask(APP, 'media'),
    mediaFromOther: await ask('https://example.org/', 'media'),
    geolocationFromApp: await ask(APP, 'geolocation'),
    notificationsFromApp: await ask(APP, 'notifications'),
  };
  result.probes.permissionCheck = {
    mediaFromApp: record.permissionCheck(wc, 'media', 'app://affect'),
    mediaFromOther: record.permissionCheck(wc, 'media', 'https://example.org'),
    clipboardFromApp: record.permissionCheck(wc, 'clipboard-read', 'app://affect'),
  };
  const navigate = (url) => {
    const e = { prevented: false, preventDefault() { this.prevented = true; } };
    for (const fn of wc.listeners('will-navigate')) fn(e, url);
    return e.prevented;
  };
  result.probes.navigationBlocked = { other: navigate('https://example.org/'), file: navigate('file:///etc/passwd'), app: navigate('app://affect/index.html#/review') };
  result.probes.windowOpen = wc.windowOpenHandler ? wc.windowOpenHandler({ url: 'https://example.org/' }) : null;
  const invoke = (frameUrl, method, input) => record.ipc['affect:invoke']({ sender: wc, senderFrame: frameUrl ? { url: frameUrl } : null }, method, input);
  const mediaWhileLocked = await record.protocols['affect-media'](new Request('affect-media://session/1/recording.webm'));
  result.probes.mediaWhileLocked = mediaWhileLocked.status;
  result.probes.ipc = {
    fromOther: await invoke('https://example.org/', 'app.info', {}),
    withoutFrame: await invoke(null, 'app.info', {}),
    // A new data folder: nothing is answered until it is set up (encrypted) through the same IPC.
    beforeSetup: await invoke(APP, 'participants.list', {}),
    vaultStatus: await invoke(APP, 'vault.status', {}),
    setup: await invoke(APP, 'vault.setup', { passphrase: 'wiring test passphrase' }),
    fromApp: await invoke(APP, 'participants.list', {}),
    badInput: await invoke(APP, 'participants.create', { code: 42 }),
  };
  const fetchApp = async (url) => {
    const res = await record.protocols.app(new Request(url));
    return { status: res.status, csp: res.headers.get('content-security-policy'), type: res.headers.get('content-type'), body: (await res.text()).slice(0, 200) };
  };
  result.probes.appProtocol = { index: await fetchApp('app://affect/'), traversal: await fetchApp('app://affect/%2e%2e/%2e%2e/package.json'), missing: await fetchApp('app://affect/nothing.js') };
  const media = await record.protocols['affect-media'](new Request('affect-media://session/1/recording.webm'));
  result.probes.mediaUnknownSession = media.status;
  result.window = { options: { ...win.options, webPreferences: { ...win.options.webPreferences } }, loadedURL: wc.url };
  electron.app.quit();
  // The shell closes the core (the database) before quitting for real.
  for (let i = 0; i < 100 && !record.quit; i++) await new Promise((r) => setTimeout(r, 50));
}

result.record = {
  calls: record.calls,
  schemes: record.schemes,
  protocols: Object.keys(record.protocols),
  ipcChannels: Object.keys(record.ipc),
  hasPermissionRequestHandler: typeof record.permissionRequest === 'function',
  hasPermissionCheckHandler: typeof record.permissionCheck === 'function',
  dialogs: record.dialogs,
  exitCode: record.exitCode,
  quit: record.quit,
};
writeFileSync(process.env.WIRING_OUT, JSON.stringify(result, null, 2));
process.exit(0);
