// `npm run package [-- electron-builder options]`: installers for this platform (see electron-builder.config.mjs).
// Native modules are rebuilt for the Electron in use and their module version verified first; where that
// is impossible (no Electron headers, no toolchain) it says so in one line and stops instead of packaging
// a binary that would crash at start. The packaged native modules are verified again afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { addonModuleVersion } from './packaging/binary-target.mjs';
import { NATIVE_MODULES, electronAbiProblem, electronModuleVersion } from './native-abi.mjs';

const root = path.resolve(import.meta.dirname, '..');
const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', cwd: root, shell: process.platform === 'win32' }).status ?? 1;

if (run(process.execPath, ['scripts/build.mjs']) !== 0) process.exit(1);
const problem = electronAbiProblem(electronVersion);
if (problem) {
  console.error(`npm run package: stopped. ${problem}`);
  process.exit(1);
}
if (run('npx', ['electron-builder', '--config', 'electron-builder.config.mjs', ...process.argv.slice(2)]) !== 0) process.exit(1);

// Every packaged copy of a native module must be Electron's build.
const want = electronModuleVersion();
const found = [];
const visit = (dir, depth) => {
  if (depth > 8 || !existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (!statSync(p).isDirectory()) continue;
    if (name === 'app.asar.unpacked') {
      for (const m of NATIVE_MODULES) {
        const bin = path.join(p, 'node_modules', m.name, m.binary);
        if (existsSync(bin)) found.push({ bin, version: addonModuleVersion(bin) });
      }
    } else visit(p, depth + 1);
  }
};
visit(path.join(root, 'release'), 0);
const wrong = found.filter((f) => f.version !== want);
if (found.length === 0) console.log('npm run package: no unpacked app folder in release/ to verify (installer targets only).');
if (wrong.length) {
  console.error(`npm run package: FAILED. ${wrong.map((w) => `${path.relative(root, w.bin)} is built for module version ${w.version}`).join('; ')}; Electron ${electronVersion} needs ${want}. Do not ship release/.`);
  process.exit(1);
}
console.log(`npm run package: done; native modules verified for Electron ${electronVersion} (module version ${want}) in ${found.length} place(s).`);
