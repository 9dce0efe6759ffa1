// Lays out a copy of the built app (package.json, out/, models) beside a node_modules whose `electron` is
// the recording stand-in, then runs run-shell.mjs there under Node. Everything else in node_modules links to
// the real packages, so the shell runs the real core on a real SQLite file.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..');

export interface ShellRun {
  dir: string;
  dataDir: string;
  status: number | null;
  stderr: string;
  result: {
    main: string;
    loadError: string | null;
    settledBy: string;
    probes: Record<string, any>;
    window?: { options: Record<string, any>; loadedURL: string };
    record: {
      calls: { what: string; [k: string]: unknown }[];
      schemes: { scheme: string; privileges: Record<string, boolean> }[];
      protocols: string[];
      ipcChannels: string[];
      hasPermissionRequestHandler: boolean;
      hasPermissionCheckHandler: boolean;
      dialogs: { title: string; content: string }[];
      exitCode: number | null;
      quit: boolean;
    };
  };
}

/** A package folder whose addon registers itself with another module version, as one built for Electron does under Node. */
export function foreignAbiPackage(dir: string, name: string, binary: string, moduleVersion: number): void {
  mkdirSync(path.join(dir, path.dirname(binary)), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '0.0.0-foreign-abi', main: 'index.js' }));
  writeFileSync(path.join(dir, 'index.js'), `module.exports = require('./${binary}');\n`);
  // The layout of Node's struct node_module (node.h); node_register_module_vN is the symbol name a real addon carries.
  const c = `struct node_module { int v; unsigned int flags; void* dso; const char* file; void* reg; void* creg; const char* name; void* priv; void* link; };
extern void node_module_register(void*);
static struct node_module m = { ${moduleVersion}, 0, 0, "foreign.c", 0, 0, "foreign", 0, 0 };
const char* marker = "node_register_module_v${moduleVersion}";
static void __attribute__((constructor)) reg(void) { node_module_register(&m); }
`;
  const src = path.join(dir, 'foreign.c');
  writeFileSync(src, c);
  const cc = spawnSync('cc', ['-shared', '-fPIC', '-o', path.join(dir, binary), src], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`cc failed: ${cc.stderr}`);
}

export function runShellUnderNode(opts: { replaceModule?: { name: string; build: (dir: string) => void } } = {}): ShellRun {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'affect-wiring-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
  // out/ is copied, not linked: Node resolves modules from a file's real path, and `electron` must resolve here.
  if (existsSync(path.join(root, 'out'))) {
    for (const part of ['main', 'preload', 'renderer']) {
      const from = path.join(root, 'out', part);
      if (existsSync(from)) cpSync(from, path.join(dir, 'out', part), { recursive: true });
    }
  }
  symlinkSync(path.join(root, 'models'), path.join(dir, 'models'));
  const nm = path.join(dir, 'node_modules');
  mkdirSync(nm);
  for (const name of readdirSync(path.join(root, 'node_modules'))) {
    if (name === 'electron' || name === '.bin' || name === opts.replaceModule?.name) continue;
    symlinkSync(path.join(root, 'node_modules', name), path.join(nm, name));
  }
  cpSync(path.join(import.meta.dirname, 'electron-standin'), path.join(nm, 'electron'), { recursive: true });
  if (opts.replaceModule) {
    const target = path.join(nm, opts.replaceModule.name);
    mkdirSync(target, { recursive: true });
    opts.replaceModule.build(target);
  }
  cpSync(path.join(import.meta.dirname, 'run-shell.mjs'), path.join(dir, 'run-shell.mjs'));
  const dataDir = path.join(dir, 'data');
  const out = path.join(dir, 'result.json');
  const r = spawnSync(process.execPath, ['run-shell.mjs'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 90_000,
    // A test-only, cheap passphrase KDF: the harness sets the (new, encrypted) data folder up through IPC.
    env: { ...process.env, AFFECT_INSECURE_TEST_KDF: '1', WIRING_OUT: out, AFFECT_DATA_DIR: dataDir, HOME: path.join(dir, 'home'), XDG_CONFIG_HOME: path.join(dir, 'home', '.config') },
  });
  if (!existsSync(out)) throw new Error(`the harness wrote nothing (status ${r.status}): ${r.stderr}`);
  return { dir, dataDir, status: r.status, stderr: r.stderr, result: JSON.parse(readFileSync(out, 'utf8')) as ShellRun['result'] };
}
