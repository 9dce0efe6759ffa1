// A recording stand-in for the `electron` module, for the wiring test of the Electron shell under Node.
// It implements only what the shell calls, records every call, and lets the harness play the events
// Electron would emit (ready, navigation, permission requests, IPC). It runs nothing of Electron's.
import { EventEmitter } from 'node:events';

const record = { calls: [], schemes: [], protocols: {}, ipc: {}, permissionRequest: null, permissionCheck: null, windows: [], dialogs: [], exitCode: null, quit: false };
const log = (what, detail = {}) => record.calls.push({ what, ...detail });

let settle;
const settled = new Promise((r) => (settle = r));

class App extends EventEmitter {
  #ready = false;
  #resolveReady;
  #whenReady = new Promise((r) => (this.#resolveReady = r));
  requestSingleInstanceLock() {
    log('app.requestSingleInstanceLock');
    return process.env.STANDIN_SECOND_INSTANCE !== '1';
  }
  whenReady() {
    return this.#whenReady;
  }
  isReady() {
    return this.#ready;
  }
  quit() {
    log('app.quit');
    const e = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('before-quit', e);
    if (e.defaultPrevented) return;
    record.quit = true;
    settle('quit');
  }
  exit(code = 0) {
    log('app.exit', { code });
    record.exitCode = code;
    settle('exit');
  }
  getVersion() {
    return '0.0.0-standin';
  }
  emitReady() {
    this.#ready = true;
    this.emit('ready');
    this.#resolveReady();
  }
}
export const app = new App();

export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    if (app.isReady()) throw new Error('protocol.registerSchemesAsPrivileged must be called before the app is ready');
    log('protocol.registerSchemesAsPrivileged');
    record.schemes.push(...schemes);
  },
  handle(scheme, handler) {
    log('protocol.handle', { scheme });
    record.protocols[scheme] = handler;
  },
};

export const ipcMain = {
  handle(channel, handler) {
    log('ipcMain.handle', { channel });
    record.ipc[channel] = handler;
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(fn) {
      log('session.setPermissionRequestHandler');
      record.permissionRequest = fn;
    },
    setPermissionCheckHandler(fn) {
      log('session.setPermissionCheckHandler');
      record.permissionCheck = fn;
    },
  },
};

export const dialog = {
  showErrorBox(title, content) {
    log('dialog.showErrorBox');
    record.dialogs.push({ title, content });
  },
};

let nextId = 1;
class WebContents extends EventEmitter {
  id = nextId++;
  url = '';
  sent = [];
  windowOpenHandler = null;
  isDestroyed() {
    return false;
  }
  send(channel, ...args) {
    this.sent.push({ channel, args });
  }
  setWindowOpenHandler(fn) {
    log('webContents.setWindowOpenHandler');
    this.windowOpenHandler = fn;
  }
  getURL() {
    return this.url;
  }
}

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    log('new BrowserWindow');
    this.options = options;
    this.webContents = new WebContents();
    record.windows.push(this);
  }
  async loadURL(url) {
    log('BrowserWindow.loadURL', { url });
    this.webContents.url = url;
    settle('window');
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
}

/** For the harness only: what was recorded, and a promise that settles when the shell has a window or exits. */
// No OS keychain here: the shell must then offer none (src-main/electron/keychain.ts).
export const safeStorage = {
  isEncryptionAvailable() {
    log('safeStorage.isEncryptionAvailable');
    return false;
  },
  getSelectedStorageBackend() {
    return 'basic_text';
  },
  encryptString() {
    throw new Error('safeStorage is not available in the stand-in');
  },
  decryptString() {
    throw new Error('safeStorage is not available in the stand-in');
  },
};

export const __standin = { record, settled, emitReady: () => app.emitReady() };
export default { app, protocol, ipcMain, session, dialog, BrowserWindow, safeStorage };
