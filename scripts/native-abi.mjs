// better-sqlite3 is a native module built for one ABI at a time: Node's (tests, browser mode, CLI) or
// Electron's (the desktop window). These helpers switch it to whichever is about to run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const MARKER = 'out/.native-abi';

function current() {
  return existsSync(MARKER) ? readFileSync(MARKER, 'utf8').trim() : 'node';
}

function mark(abi) {
  mkdirSync('out', { recursive: true });
  writeFileSync(MARKER, abi);
}

/** Makes sure better-sqlite3 loads in this Node; rebuilds it from source if it was built for Electron. */
export function ensureNodeAbi() {
  const probe = spawnSync(process.execPath, ['-e', "require('better-sqlite3')(':memory:').close()"], { encoding: 'utf8' });
  if (probe.status === 0) return mark('node');
  if (!/NODE_MODULE_VERSION|was compiled against/.test(probe.stderr)) throw new Error(probe.stderr);
  console.log('Rebuilding better-sqlite3 for Node (it was built for Electron)...');
  const r = spawnSync('npm', ['rebuild', 'better-sqlite3'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error('npm rebuild better-sqlite3 failed');
  mark('node');
}

/** Rebuilds native modules against the installed Electron's headers (fetched by electron-builder). */
export function ensureElectronAbi(electronVersion) {
  const want = `electron-${electronVersion}`;
  if (current() === want) return true;
  console.log(`Building native modules for Electron ${electronVersion} (first start only)...`);
  const r = spawnSync('npx', ['electron-builder', 'install-app-deps'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) return false;
  mark(want);
  return true;
}
