// THIRD_PARTY_NOTICES: the third-party software and models shipped with Affect Studio and their licences.
// The part between the GENERATED markers is written by `npm run notices` from package-lock.json, the
// packages' own licence files, the renderer bundle's source map and models/manifest.json; everything
// outside the markers is kept as written (hand-written sections such as ffmpeg's go there).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, nodeModuleListing, packagesFor, readLock, root } from './listing.mjs';

export const NOTICES = path.join(root, 'THIRD_PARTY_NOTICES');
const BEGIN = '==== BEGIN GENERATED (npm run notices; edit outside these markers) ====';
const END = '==== END GENERATED ====';
export const TARGETS = [
  { platform: 'linux', arch: 'x64' },
  { platform: 'win32', arch: 'x64' },
  { platform: 'darwin', arch: 'arm64' },
];

/** node_modules/a/node_modules/@s/b/lib/x.js → node_modules/a/node_modules/@s/b */
export function owningPackage(file) {
  const i = file.lastIndexOf('node_modules/');
  const rest = file.slice(i + 'node_modules/'.length).split('/');
  return file.slice(0, i) + 'node_modules/' + (rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]);
}

/** Packages compiled into the renderer bundle (dev dependencies at build time, shipped as code). */
export function bundledIntoRenderer() {
  const dir = path.join(root, 'out', 'renderer', 'assets');
  const names = new Set();
  if (!existsSync(dir)) throw new Error('out/renderer is missing: run `npm run build` first');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.js.map'))) {
    for (const s of JSON.parse(readFileSync(path.join(dir, f), 'utf8')).sources ?? []) {
      const i = s.lastIndexOf('node_modules/');
      if (i < 0) continue;
      const parts = s.slice(i + 'node_modules/'.length).split('/');
      names.add(parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
    }
  }
  return names;
}

/** Every package a user gets on any target, by the packaging rules: [{ name, version, license, where }]. */
export function shippedPackages(config, lock = readLock()) {
  const byName = new Map();
  const add = (name, version, license, where) => {
    const key = `${name}@${version}`;
    const e = byName.get(key) ?? { name, version, license, where: new Set() };
    e.where.add(where);
    byName.set(key, e);
  };
  for (const t of TARGETS) {
    const listing = nodeModuleListing(config, lock, t);
    const included = new Set([...listing.absent.map((p) => p.path), ...listing.files.map(owningPackage)]);
    for (const p of packagesFor(lock, t)) if (!p.dev && included.has(p.path)) add(p.name, p.version, p.license, 'application');
  }
  for (const name of bundledIntoRenderer()) {
    const info = lock.packages[`node_modules/${name}`];
    add(name, info?.version ?? '?', info?.license ?? null, 'user interface');
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

function licenceText(name) {
  const dir = path.join(root, 'node_modules', name);
  if (!existsSync(dir)) return null;
  const f = readdirSync(dir).find((n) => /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i.test(n));
  return f ? readFileSync(path.join(dir, f), 'utf8').trim() : null;
}

/**
 * The standard text of a licence by its SPDX id, for packages and models that ship without a licence file
 * (e.g. @mediapipe/tasks-vision and the BlazeFace model, Apache-2.0): scripts/packaging/licence-texts/<id>.txt.
 */
const LICENCE_TEXTS = path.join(root, 'scripts', 'packaging', 'licence-texts');
export function standardLicenceText(id) {
  if (typeof id !== 'string' || !/^[A-Za-z0-9.+-]+$/.test(id)) return null;
  const f = path.join(LICENCE_TEXTS, `${id}.txt`);
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : null;
}

export function generatedBlock(config, lock = readLock()) {
  const shipped = shippedPackages(config, lock);
  const lines = [BEGIN, '', 'npm packages (in the application, or compiled into its user interface)', '-----------------------------------------------------------------------', ''];
  for (const p of shipped) {
    // An npm alias (better-sqlite3 is better-sqlite3-multiple-ciphers) is listed under both names.
    const published = lock.packages[`node_modules/${p.name}`]?.name;
    const alias = published && published !== p.name ? ` — the npm package ${published}` : '';
    lines.push(`${p.name} ${p.version} — licence: ${p.license ?? 'see the package'} — ${[...p.where].join(', ')}${alias}`);
  }
  lines.push('', 'Models (models/, described in models/manifest.json and models/MODEL_CARD.md)', '---------------------------------------------------------------------------', '');
  const manifest = JSON.parse(readFileSync(path.join(root, 'models', 'manifest.json'), 'utf8'));
  /** Standard licence texts to append once: SPDX id → what uses it. */
  const standard = new Map();
  const useStandard = (id, user) => {
    if (!standardLicenceText(id)) return false;
    standard.set(id, [...(standard.get(id) ?? []), user]);
    return true;
  };
  for (const m of manifest.models) {
    const src = m.source ?? {};
    const licence = m.licence ?? m.license;
    lines.push(`${m.id} (${m.file}) — licence: ${licence ?? 'see MODEL_CARD.md'} — from ${src.package ?? '?'} ${src.version ?? ''}${src.url ? ` (${src.url})` : ''}`.replace(/\s+—/g, ' —'));
    useStandard(licence, `model ${m.id}`);
  }
  lines.push('', 'Licence texts', '-------------', '');
  const seen = new Set();
  for (const p of shipped) {
    if (seen.has(p.name)) continue;
    seen.add(p.name);
    const text = licenceText(p.name);
    const fallback = text ? null : useStandard(p.license, p.name) ? `(no licence file in the package; it is under ${p.license}: the standard text is at the end)` : null;
    lines.push(`--- ${p.name} ---`, text ?? fallback ?? `(no licence file in the package here; its package.json says: ${p.license ?? 'nothing'})`, '');
  }
  for (const [id, users] of standard) lines.push(`--- ${id} (standard text; applies to ${users.join(', ')}) ---`, standardLicenceText(id), '');
  lines.push(END);
  return lines.join('\n');
}

export function readNotices() {
  return existsSync(NOTICES) ? readFileSync(NOTICES, 'utf8') : '';
}

/** The file with its generated block replaced (or appended). */
export function withGeneratedBlock(current, block) {
  const a = current.indexOf(BEGIN);
  const b = current.indexOf(END);
  if (a >= 0 && b > a) return current.slice(0, a) + block + current.slice(b + END.length);
  return `${current.trimEnd()}\n\n${block}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { config } = await loadConfig();
  writeFileSync(NOTICES, withGeneratedBlock(readNotices(), generatedBlock(config)));
  console.log('notices: THIRD_PARTY_NOTICES is up to date');
}
