// Native modules built for one ABI (module version) at a time: Node's (tests, browser mode, CLI) or
// Electron's (the desktop window, packages). These helpers switch them to whichever is about to run and
// verify the result by reading the module version each compiled addon registers itself with: a rebuild
// that "succeeds" without Electron's headers silently produces Node's build, which crashes the app.
// The list of modules is src-main/electron/native-modules.json (the app checks the same list at start).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { addonModuleVersion } from './packaging/binary-target.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const MARKER = path.join(root, 'out', '.native-abi');

export const NATIVE_MODULES = JSON.parse(readFileSync(path.join(root, 'src-main', 'electron', 'native-modules.json'), 'utf8')).modules;

function current() {
  return existsSync(MARKER) ? readFileSync(MARKER, 'utf8').trim() : 'node';
}

function mark(abi) {
  mkdirSync(path.dirname(MARKER), { recursive: true });
  writeFileSync(MARKER, abi);
}

const binaryOf = (m) => path.join(path.dirname(require.resolve(`${m.name}/package.json`, { paths: [root] })), m.binary);

/** [{ name, binary, version }] for every native module: the module version its addon was built for (null if missing). */
export function nativeModuleVersions() {
  return NATIVE_MODULES.map((m) => {
    const binary = binaryOf(m);
    return { name: m.name, binary, version: existsSync(binary) ? addonModuleVersion(binary) : null };
  });
}

/** Electron's module version (NODE_MODULE_VERSION), from the electron package. */
export function electronModuleVersion() {
  const dir = path.dirname(require.resolve('electron/package.json', { paths: [root] }));
  return Number(readFileSync(path.join(dir, 'abi_version'), 'utf8').trim());
}

/** Makes sure native modules load in this Node; rebuilds them from source if they were built for Electron. */
export function ensureNodeAbi() {
  const want = Number(process.versions.modules);
  if (nativeModuleVersions().every((m) => m.version === want)) return mark('node');
  const names = NATIVE_MODULES.map((m) => m.name);
  console.log(`Rebuilding ${names.join(', ')} for Node ${process.version} (built for Electron)...`);
  const r = spawnSync('npm', ['rebuild', ...names], { stdio: 'inherit', cwd: root, shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`npm rebuild ${names.join(' ')} failed`);
  const wrong = nativeModuleVersions().filter((m) => m.version !== want);
  if (wrong.length) throw new Error(`${wrong.map((m) => `${m.name} is built for module version ${m.version}`).join('; ')}; Node ${process.version} needs ${want}`);
  mark('node');
}

/**
 * Rebuilds native modules against the installed Electron's headers and verifies each one's module
 * version. Returns null when they are ready, else one line that says why not (a failed or wrong build is
 * reported, never packaged or started).
 */
export function electronAbiProblem(electronVersion, { quiet = false } = {}) {
  const want = electronModuleVersion();
  const ready = () => nativeModuleVersions().every((m) => m.version === want);
  if (current() === `electron-${electronVersion}` && ready()) return null;
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) return `Electron ${electronVersion}'s tools need Node 20.19 or later (this is ${process.version}).`;
  if (!quiet) console.log(`Building native modules for Electron ${electronVersion} (module version ${want})...`);
  // @electron/rebuild skips a module whose .forge-meta says it is built for this Electron, even when the
  // binary is Node's (a rebuild without Electron's headers writes both); a wrong binary is rebuilt for real.
  for (const m of nativeModuleVersions()) if (m.version !== want) rmSync(path.join(path.dirname(m.binary), '.forge-meta'), { force: true });
  const r = spawnSync('npx', ['electron-builder', 'install-app-deps'], { stdio: quiet ? 'ignore' : 'inherit', cwd: root, shell: process.platform === 'win32' });
  const got = nativeModuleVersions();
  const wrong = got.filter((m) => m.version !== want);
  if (r.status !== 0 || wrong.length) {
    const what = wrong.map((m) => `${m.name} is built for module version ${m.version ?? 'none'}`).join(', ') || 'the rebuild failed';
    return `Native modules could not be built for Electron ${electronVersion} (module version ${want}): ${what} — usually Electron's headers could not be downloaded (no network to electronjs.org) or no C++ toolchain is installed.`;
  }
  mark(`electron-${electronVersion}`);
  return null;
}

/** For `npm start`: true when native modules are ready for Electron; otherwise says why in one line. */
export function ensureElectronAbi(electronVersion) {
  const problem = electronAbiProblem(electronVersion);
  if (problem) console.log(problem);
  return problem === null;
}
