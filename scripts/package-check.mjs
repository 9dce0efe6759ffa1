// `npm run package:check`: what a user would get, checked without Electron's binary.
// 1. Builds the app and a Linux x64 directory package with electron-builder, using a stand-in Electron
//    distribution (`electronDist`: a placeholder executable), so nothing is downloaded.
// 2. Checks that package: entry, preload and renderer in app.asar; models unpacked and matching the
//    manifest's sha256; every native binary unpacked and for linux-x64 only; no ffmpeg (Linux uses the
//    distribution's); no research data, source maps, devDependencies or test fixtures; the notices; the
//    size budget. Prints the size of each part.
// 3. Lists what win32-x64 and darwin-arm64 packages would hold (electron-builder's own file matcher on the
//    packages npm would install there; the listing must equal the real Linux build for linux-x64) and
//    holds them to the same rules. darwin-x64 is listed too and reported as unsupported when a native
//    module has no binary for it.
// Options: --no-build (use out/ as it is), --keep (leave the package in out/package-check).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { addonModuleVersion, binaryTarget } from './packaging/binary-target.mjs';
import { isUnpacked, loadConfig, nodeModuleListing, readLock, root } from './packaging/listing.mjs';
import { generatedBlock, owningPackage, readNotices } from './packaging/notices.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const BUDGET_MB = 150;
const MB = 1_000_000;
const OUT = path.join(root, 'out', 'package-check');

const failures = [];
const fail = (msg) => failures.push(msg);
const mb = (bytes) => `${(bytes / MB).toFixed(1)} MB`;

if (!args.includes('--no-build')) {
  const b = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

// --- 1. the Linux x64 directory build -------------------------------------------------------------
const electronPkg = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8'));
const standIn = path.join(os.tmpdir(), `affect-electron-standin-${process.pid}`);
rmSync(standIn, { recursive: true, force: true });
mkdirSync(path.join(standIn, 'resources'), { recursive: true });
mkdirSync(path.join(standIn, 'locales'), { recursive: true });
writeFileSync(path.join(standIn, 'electron'), '#!/bin/sh\necho "This is a stand-in for Electron, made by npm run package:check; it cannot run the app." >&2\nexit 1\n');
chmodSync(path.join(standIn, 'electron'), 0o755);
writeFileSync(path.join(standIn, 'LICENSE'), 'Stand-in for the Electron distribution (package:check).\n');
writeFileSync(path.join(standIn, 'LICENSES.chromium.html'), '<p>Stand-in (package:check).</p>\n');
writeFileSync(path.join(standIn, 'version'), electronPkg.version);

const { config, ffmpegSource } = await loadConfig();
const lock = readLock();
rmSync(OUT, { recursive: true, force: true });
const { build, Platform, Arch } = require('electron-builder');
const started = Date.now();
await build({
  projectDir: root,
  targets: Platform.LINUX.createTarget('dir', Arch.x64),
  config: { ...config, electronDist: standIn, npmRebuild: false, directories: { ...config.directories, output: OUT } },
});
rmSync(standIn, { recursive: true, force: true });
console.log(`package:check: built out/package-check/linux-unpacked in ${((Date.now() - started) / 1000).toFixed(0)} s (stand-in Electron ${electronPkg.version})`);

const appDir = path.join(OUT, 'linux-unpacked');
const resources = path.join(appDir, 'resources');
const asarFile = path.join(resources, 'app.asar');
const unpackedDir = path.join(resources, 'app.asar.unpacked');
const asar = require('@electron/asar');

/** Every file of the package relative to app root: { rel, where: 'asar' | 'unpacked', size, abs? } */
const entries = [];
for (const f of asar.listPackage(asarFile, { isPack: false })) {
  const rel = f.replace(/^[\\/]/, '').replaceAll('\\', '/');
  const st = asar.statFile(asarFile, rel, false);
  if (st.files || st.link) continue;
  entries.push(st.unpacked ? { rel, where: 'unpacked', size: st.size, abs: path.join(unpackedDir, rel) } : { rel, where: 'asar', size: st.size });
}
const byRel = new Map(entries.map((e) => [e.rel, e]));
const walk = (dir) => readdirSync(dir).flatMap((n) => (lstatSync(path.join(dir, n)).isDirectory() ? walk(path.join(dir, n)) : [path.join(dir, n)]));

// Entry, preload, renderer.
const pkgJson = JSON.parse(asar.extractFile(asarFile, 'package.json').toString('utf8'));
if (!byRel.has(pkgJson.main)) fail(`package.json main (${pkgJson.main}) is not in app.asar`);
if (pkgJson.main !== JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).main) fail('the packaged package.json main differs from the project\'s');
for (const need of ['out/main/shell.js', 'out/preload/preload.cjs', 'out/renderer/index.html']) {
  if (byRel.get(need)?.where !== 'asar') fail(`${need} is not in app.asar`);
}
const indexHtml = asar.extractFile(asarFile, 'out/renderer/index.html').toString('utf8');
for (const m of indexHtml.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)) {
  if (!byRel.has(`out/renderer/${m[1]}`)) fail(`index.html refers to ${m[1]}, which is not packaged`);
}

// Models: unpacked, byte for byte what the manifest says.
const manifest = JSON.parse(readFileSync(path.join(root, 'models', 'manifest.json'), 'utf8'));
for (const m of manifest.models) {
  const e = byRel.get(`models/${m.file}`);
  if (!e) fail(`model ${m.id}: models/${m.file} is not packaged`);
  else if (e.where !== 'unpacked') fail(`model ${m.id}: models/${m.file} is inside app.asar (ONNX Runtime cannot read it there)`);
  else {
    const sha = createHash('sha256').update(readFileSync(e.abs)).digest('hex');
    if (sha !== m.sha256) fail(`model ${m.id}: sha256 ${sha} differs from the manifest's ${m.sha256}`);
  }
}
if (!byRel.has('models/manifest.json')) fail('models/manifest.json is not packaged');

// --- rules shared by the real build and the listings ------------------------------------------------
const devOnly = new Set();
const prodNames = new Set();
for (const [p, info] of Object.entries(lock.packages)) {
  if (!p) continue;
  const name = p.slice(p.lastIndexOf('node_modules/') + 13);
  if (info.dev) devOnly.add(name);
  else prodNames.add(name);
}
for (const n of prodNames) devOnly.delete(n);

const RESEARCH = /(^|\/)(shared\/data|training|fer2013|ravdess|ck\+|cohn-kanade)(\/|$)|\.(wav|flac|mp3|ogg|webm|mp4|m4a|mov|avi|mkv|y4m|csv|tsv|npy|npz|pt|pth|ckpt|h5|pkl|parquet|tfrecord|jpg|jpeg)$/i;
const FIXTURE = /(^|\/)(fixtures?|__fixtures__|test|tests|__tests__|e2e|__screenshots__|spec|benchmarks?)(\/|$)|\.(test|spec)\.[cm]?[jt]s$/i;
const NATIVE_MODULES = JSON.parse(readFileSync(path.join(root, 'src-main', 'electron', 'native-modules.json'), 'utf8')).modules;
const nativeBinaries = new Set(NATIVE_MODULES.map((m) => `node_modules/${m.name}/${m.binary}`));

/** Platform/arch a path says it is for: `…/napi-vN/<platform>/<arch>/…` or a scoped `<platform>-<arch>` package. */
function pathMarker(rel) {
  const a = /\/napi-v\d+\/([a-z0-9]+)\/([a-z0-9]+)(\/|$)/.exec(rel);
  if (a) return { platform: a[1], arch: a[2] };
  const b = /node_modules\/@[^/]+\/(darwin|linux|win32|freebsd|openbsd|android|sunos|aix)-([a-z0-9]+)(\/|$)/.exec(rel);
  if (b) return { platform: b[1], arch: b[2] };
  return null;
}

function commonRules(label, rels) {
  for (const rel of rels) {
    if (rel.endsWith('.map')) fail(`${label}: source map ${rel}`);
    if (RESEARCH.test(rel)) fail(`${label}: looks like research data or media: ${rel}`);
    if (FIXTURE.test(rel)) fail(`${label}: test file or fixture: ${rel}`);
    if (rel.startsWith('node_modules/')) {
      const owner = owningPackage(rel);
      const name = owner.slice(owner.lastIndexOf('node_modules/') + 13);
      if (devOnly.has(name)) fail(`${label}: devDependency ${name} (${rel})`);
    }
  }
}

const isFfmpeg = (rel) => /(^|\/)(ffmpeg|ffprobe)(\.exe)?$/.test(rel);

// --- 2. rules on the real Linux x64 package ---------------------------------------------------------
const target = { platform: 'linux', arch: 'x64' };
commonRules('linux-x64', entries.map((e) => e.rel));
for (const e of entries) {
  if (e.where === 'asar') {
    const headBytes = e.size >= 64 ? asar.extractFile(asarFile, e.rel).subarray(0, 4) : null;
    const magic = headBytes ? headBytes.toString('hex') : '';
    if (/\.(node|so(\.\d+)*|dylib|dll|exe)$/.test(e.rel) || ['7f454c46', 'cffaedfe', 'cefaedfe', 'cafebabe'].includes(magic) || magic.startsWith('4d5a')) fail(`linux-x64: native binary inside app.asar (cannot be loaded there): ${e.rel}`);
    continue;
  }
  const t = binaryTarget(e.abs);
  const m = pathMarker(e.rel);
  if (t && (t.platform !== target.platform || !t.archs.includes(target.arch))) fail(`linux-x64: ${e.rel} is a ${t.platform}-${t.archs.join('+')} binary`);
  if (m && (m.platform !== target.platform || m.arch !== target.arch)) fail(`linux-x64: ${e.rel} is in a ${m.platform}-${m.arch} folder`);
  if (isFfmpeg(e.rel)) fail(`linux-x64: bundles ${e.rel}, but Linux packages use the distribution's ffmpeg`);
}
// Anything else in resources (outside app.asar) is checked the same way.
for (const abs of walk(resources).filter((f) => !f.startsWith(unpackedDir) && f !== asarFile)) {
  const t = binaryTarget(abs);
  if (t && (t.platform !== target.platform || !t.archs.includes(target.arch))) fail(`linux-x64: ${path.relative(resources, abs)} is a ${t.platform} binary`);
}
for (const m of NATIVE_MODULES) {
  const e = byRel.get(`node_modules/${m.name}/${m.binary}`);
  if (!e) fail(`linux-x64: native module ${m.name} has no ${m.binary}`);
  else if (e.where !== 'unpacked') fail(`linux-x64: ${m.name}'s binary is inside app.asar`);
}
const ortBinding = entries.find((e) => /onnxruntime-node\/bin\/napi-v\d+\/linux\/x64\/onnxruntime_binding\.node$/.test(e.rel));
if (!ortBinding || ortBinding.where !== 'unpacked') fail('linux-x64: onnxruntime-node has no unpacked linux/x64 binding');
if (ffmpegSource.linux === 'system' && !(config.deb?.depends ?? []).includes('ffmpeg')) fail('linux-x64: ffmpeg comes from the system, but the deb does not depend on it');

// The notices: beside app.asar, naming every shipped package and model, generated block current.
const noticesFile = path.join(resources, 'THIRD_PARTY_NOTICES');
if (!existsSync(noticesFile)) fail('THIRD_PARTY_NOTICES is not in resources/');
else {
  const text = readFileSync(noticesFile, 'utf8');
  for (const owner of new Set(entries.filter((e) => e.rel.startsWith('node_modules/')).map((e) => owningPackage(e.rel)))) {
    const name = owner.slice(owner.lastIndexOf('node_modules/') + 13);
    if (!new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\S+ — licence:`, 'm').test(text)) fail(`THIRD_PARTY_NOTICES does not list ${name}`);
  }
  for (const m of manifest.models) if (!text.includes(`${m.id} (${m.file})`)) fail(`THIRD_PARTY_NOTICES does not list model ${m.id}`);
  if (!readNotices().includes(generatedBlock(config, lock))) fail('THIRD_PARTY_NOTICES is out of date: run `npm run notices` and commit it');
}

// Native module ABI in this folder (npmRebuild is off here; `npm run package` rebuilds and verifies).
const electronAbi = Number(readFileSync(path.join(path.dirname(require.resolve('electron/package.json')), 'abi_version'), 'utf8').trim());
for (const m of NATIVE_MODULES) {
  const e = byRel.get(`node_modules/${m.name}/${m.binary}`);
  const v = e?.abs ? addonModuleVersion(e.abs) : null;
  if (v !== null) console.log(`package:check: ${m.name} here is built for module version ${v} (${v === electronAbi ? `Electron ${electronPkg.version}` : `Node ${process.version}` + (v === Number(process.versions.modules) ? '' : '?')}); \`npm run package\` rebuilds it for Electron ${electronPkg.version} (${electronAbi}) and refuses to package otherwise`);
}

// The emulated listing must describe this build exactly, or the other targets' listings mean nothing.
const normalise = (rel) => {
  const owner = owningPackage(rel);
  const name = owner.slice(owner.lastIndexOf('node_modules/') + 13);
  return `${name}/${rel.slice(owner.length + 1)}`;
};
const realModules = new Set(entries.filter((e) => e.rel.startsWith('node_modules/')).map((e) => normalise(e.rel)));
const listedLinux = nodeModuleListing(config, lock, target);
const emulated = new Set(listedLinux.files.map(normalise));
const onlyReal = [...realModules].filter((x) => !emulated.has(x));
const onlyListed = [...emulated].filter((x) => !realModules.has(x));
if (onlyReal.length || onlyListed.length || listedLinux.absent.length) {
  fail(`the listing for linux-x64 differs from the real build (${onlyReal.length} only built, e.g. ${onlyReal.slice(0, 3).join(', ')}; ${onlyListed.length} only listed, e.g. ${onlyListed.slice(0, 3).join(', ')}): the other targets' listings cannot be trusted`);
}

// Sizes.
const sizeOf = (abs) => walk(abs).reduce((s, f) => s + statSync(f).size, 0);
const parts = new Map();
const addPart = (name, bytes) => parts.set(name, (parts.get(name) ?? 0) + bytes);
addPart('app.asar (main, preload, renderer, JS dependencies)', statSync(asarFile).size);
for (const e of entries.filter((x) => x.where === 'unpacked')) {
  const part = e.rel.startsWith('models/') ? 'models (unpacked)' : `${owningPackage(e.rel).replace(/^node_modules\//, '')} (unpacked)`;
  addPart(part, e.size);
}
for (const abs of walk(resources).filter((f) => !f.startsWith(unpackedDir) && f !== asarFile)) addPart(path.relative(resources, abs), statSync(abs).size);
const total = sizeOf(resources);
console.log('\npackage:check: linux-x64 resources/ (unpacked, MB = 10^6 bytes)');
for (const [name, bytes] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`  ${mb(bytes).padStart(9)}  ${name}`);
console.log(`  ${mb(total).padStart(9)}  total (budget ${BUDGET_MB} MB)`);
console.log(`  ${mb(sizeOf(appDir) - total).padStart(9)}  outside resources/ (the stand-in Electron; a real package adds Electron itself here)`);
if (total > BUDGET_MB * MB) fail(`linux-x64 resources are ${mb(total)}, over the ${BUDGET_MB} MB budget`);

// --- 3. listings for the other targets ---------------------------------------------------------------
const appFiles = entries.filter((e) => !e.rel.startsWith('node_modules/')).map((e) => e.rel);
const builtTargets = new Set();
for (const [key, platform] of [['win', 'win32'], ['mac', 'darwin'], ['linux', 'linux']]) {
  for (const t of config[key]?.target ?? []) for (const a of (typeof t === 'string' ? ['x64'] : t.arch ?? ['x64'])) builtTargets.add(`${platform}-${a}`);
}
console.log('\npackage:check: what other targets would hold (listed from the packages npm installs there)');
for (const t of [{ platform: 'win32', arch: 'x64' }, { platform: 'darwin', arch: 'arm64' }, { platform: 'darwin', arch: 'x64' }]) {
  const label = `${t.platform}-${t.arch}`;
  const { files, absent } = nodeModuleListing(config, lock, t);
  const before = failures.length;
  const problems = [];
  commonRules(label, [...appFiles, ...files]);
  let bytes = 0;
  for (const rel of files) {
    const abs = path.join(root, rel);
    bytes += statSync(abs).size;
    const m = pathMarker(rel);
    if (m && (m.platform !== t.platform || m.arch !== t.arch)) fail(`${label}: ${rel} is in a ${m.platform}-${m.arch} folder`);
    const bt = binaryTarget(abs);
    if (bt && !isUnpacked(config, rel)) fail(`${label}: native binary ${rel} would be inside app.asar (asarUnpack does not cover it)`);
    // Native modules built from source here are rebuilt on the target when packaging; everything else ships as it is.
    if (nativeBinaries.has(rel)) continue;
    if (bt && (bt.platform !== t.platform || !bt.archs.includes(t.arch))) fail(`${label}: ${rel} is a ${bt.platform}-${bt.archs.join('+')} binary`);
  }
  for (const p of absent) {
    if (!isUnpacked(config, `${p.path}/x`) && !isUnpacked(config, `${p.path}/ffmpeg`) && !isUnpacked(config, `${p.path}/ffprobe`)) fail(`${label}: ${p.path} (a binary package) would be inside app.asar`);
    const m = pathMarker(p.path);
    if (m && (m.platform !== t.platform || m.arch !== t.arch)) fail(`${label}: would include ${p.path}, a ${m.platform}-${m.arch} package`);
  }
  for (const nb of nativeBinaries) if (!files.includes(nb)) problems.push(`no ${nb}`);
  const ort = files.filter((f) => new RegExp(`onnxruntime-node/bin/napi-v\\d+/${t.platform}/${t.arch}/onnxruntime_binding\\.node$`).test(f));
  if (ort.length === 0) problems.push(`onnxruntime-node ships no ${t.platform}/${t.arch} binary`);
  if (ffmpegSource[t.platform] === 'bundled') {
    for (const tool of ['ffmpeg', 'ffprobe']) {
      const here = files.some((f) => new RegExp(`/${tool}(\\.exe)?$`).test(f) && binaryTarget(path.join(root, f))?.platform === t.platform);
      const there = absent.some((p) => p.path.includes(tool) && pathMarker(p.path)?.platform === t.platform && pathMarker(p.path)?.arch === t.arch);
      if (!here && !there) problems.push(`no ${tool} for ${label}`);
    }
  }
  const supported = builtTargets.has(label);
  if (problems.length && supported) for (const p of problems) fail(`${label}: ${p}`);
  const ok = failures.length === before && (problems.length === 0 || !supported);
  const absentNote = absent.length ? ` + ${absent.map((p) => p.path.replace('node_modules/', '')).join(', ')} (installed on that platform; sizes not known here)` : '';
  console.log(`  ${label}: ${files.length + appFiles.length} files, ${mb(bytes + entries.filter((e) => !e.rel.startsWith('node_modules/')).reduce((s, e) => s + e.size, 0))}${absentNote}: ${ok ? 'ok' : 'FAILED'}${problems.length && !supported ? ` — not a build target (${problems.join('; ')})` : ''}`);
}

if (!args.includes('--keep')) rmSync(OUT, { recursive: true, force: true });
if (failures.length) {
  console.error(`\npackage:check: ${failures.length} problem(s):`);
  for (const f of failures) console.error(`  - ${f}`);
  process.exit(1);
}
console.log('\npackage:check: ok');
