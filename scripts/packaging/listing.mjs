// What electron-builder would put into a package for a given platform and architecture, without building
// it: the production packages npm would install there (from package-lock.json: os/cpu of optional
// packages), filtered with electron-builder's own file matcher and the project's config. The packaging
// check compares this listing with a real Linux x64 build, then applies it to the other targets.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const root = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const builderLib = path.dirname(require.resolve('app-builder-lib/package.json', { paths: [path.dirname(require.resolve('electron-builder/package.json'))] }));
const { FileMatcher, getNodeModuleFileMatcher, excludedNames, excludedExts } = require(path.join(builderLib, 'out', 'fileMatcher.js'));

const { minimatch } = require(require.resolve('minimatch', { paths: [builderLib] }));

/** Whether electron-builder would put this file (relative to the app root) into app.asar.unpacked. */
export function isUnpacked(config, rel) {
  return (config.asarUnpack ?? []).some((p) => minimatch(rel, p, { dot: true }));
}

export const CONFIG_FILE = path.join(root, 'electron-builder.config.mjs');
export async function loadConfig() {
  const mod = await import(pathToFileURL(CONFIG_FILE).href);
  return { config: mod.default, ffmpegSource: mod.ffmpegSource };
}

/** electron-builder's name for a platform's section of the config. */
export const configKey = (platform) => ({ linux: 'linux', win32: 'win', darwin: 'mac' })[platform];

export function readLock() {
  return JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
}

function allows(list, value) {
  if (!list || list.length === 0) return true;
  const deny = list.filter((x) => x.startsWith('!')).map((x) => x.slice(1));
  const allow = list.filter((x) => !x.startsWith('!'));
  return !deny.includes(value) && (allow.length === 0 || allow.includes(value));
}

/** Production packages npm would install on that platform/arch: [{ path, name, version, license, installed, dev }]. */
export function packagesFor(lock, target) {
  const out = [];
  for (const [p, info] of Object.entries(lock.packages)) {
    if (!p || info.link) continue;
    const installable = allows(info.os, target.platform) && allows(info.cpu, target.arch);
    if (!installable) continue;
    const name = p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length);
    // devOptional: a dev dependency that a production package names only as an optional peer (typescript for
    // i18next); electron-builder leaves it out like any dev dependency.
    out.push({ path: p, name, version: info.version, license: info.license ?? null, dev: info.dev === true || info.devOptional === true, optional: info.optional === true, installed: existsSync(path.join(root, p, 'package.json')) });
  }
  return out;
}

// electron-builder's own defaults for node_modules (NodeModuleCopyHelper, getNodeModuleExcludedExts).
const EXCLUDED_FILES = new Set(['.DS_Store', 'node_modules', 'CHANGELOG.md', 'ChangeLog', 'changelog.md', 'Changelog.md', 'Changelog', 'binding.gyp', '.npmignore', 'node_gyp_bins', ...excludedNames.split(',')]);
const TOP_LEVEL_EXCLUDED = new Set(['karma.conf.js', '.coveralls.yml', 'README.md', 'readme.markdown', 'README', 'readme.md', 'Readme.md', 'Readme', 'readme', 'test', 'tests', '__tests__', 'powered-test', 'example', 'examples', '.bin']);

function excludedByDefault(name, dir, isTopLevel, exts) {
  if (EXCLUDED_FILES.has(name) || name.startsWith('._')) return true;
  if (exts.some((e) => name.endsWith(e))) return true;
  if (isTopLevel && TOP_LEVEL_EXCLUDED.has(name)) return true;
  if (dir.endsWith('build') && (name === 'gyp-mac-tool' || name === 'Makefile' || name.endsWith('.mk') || name.endsWith('.gypi') || name.endsWith('.Makefile'))) return true;
  if (dir.endsWith('Release') && (name === '.deps' || name === 'obj.target')) return true;
  return false;
}

/**
 * Files of node_modules that a package for `target` ({ platform, arch }) would hold, relative to the app
 * root (node_modules/…), plus the packages that would be installed there but are not installed here
 * (another platform's binary package), judged by their folder alone.
 */
export function nodeModuleListing(config, lock, target) {
  const key = configKey(target.platform);
  const expand = (s) => s.replace(/\$\{arch\}/g, target.arch).replace(/\$\{os\}/g, key);
  const matcher = getNodeModuleFileMatcher(root, '/app', expand, config[key] ?? {}, { config: { ...config, files: config.files }, debugLogger: { isEnabled: false } });
  const exts = ['.o', '.obj', ...excludedExts.split(',').map((e) => `.${e}`), '.pdb', ...(target.platform === 'win32' ? [] : ['.dll', '.exe'])];
  const files = [];
  const absent = [];
  for (const pkg of packagesFor(lock, target)) {
    if (pkg.dev) continue;
    const source = path.join(root, pkg.path);
    const filter = new FileMatcher(source, '/app', expand, matcher.patterns).createFilter();
    const test = (abs, rel, isDir) => filter(abs, { moduleFullFilePath: rel, isDirectory: () => isDir });
    if (!pkg.installed) {
      if (test(source + '/x', pkg.path, true)) absent.push(pkg);
      continue;
    }
    // The package's own nested node_modules are packages of their own in the lock file.
    const walk = (dir, rel, top) => {
      for (const name of readdirSync(dir).sort()) {
        if (excludedByDefault(name, dir, top, exts)) continue;
        const abs = path.join(dir, name);
        const r = `${rel}/${name}`;
        const st = lstatSync(abs);
        if (!test(abs, r, st.isDirectory())) continue;
        if (st.isDirectory()) walk(abs, r, false);
        else files.push(r);
      }
    };
    walk(source, pkg.path, true);
  }
  return { files, absent };
}
