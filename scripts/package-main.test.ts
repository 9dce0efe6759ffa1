// `package.json` main is what `electron .` (npm start) and every installer start. It must name the file
// `npm run build` writes, under one name everywhere: no packaging-only override, one module format.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; type?: string };

describe('package.json main', () => {
  it('exists after `npm run build`', () => {
    expect(existsSync(path.join(root, 'out', 'main')), 'out/main is missing: run `npm run build` first').toBe(true);
    expect(existsSync(path.join(root, pkg.main)), `package.json main (${pkg.main}) was not written by the build`).toBe(true);
  });

  it('is an ES module, as the package type says, like every other main-process bundle', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.main).toMatch(/^out\/main\/[^/]+\.js$/);
    const src = readFileSync(path.join(root, pkg.main), 'utf8');
    expect(src).toMatch(/^import .* from "electron";$/m);
    expect(src).not.toMatch(/module\.exports|exports\.\w+ =/);
  });

  it('is not replaced for packages only (electron-builder starts the same file as npm start)', async () => {
    const js = path.join(root, 'electron-builder.config.mjs');
    const yml = path.join(root, 'electron-builder.yml');
    if (existsSync(yml)) expect(readFileSync(yml, 'utf8')).not.toMatch(/^extraMetadata:[\s\S]*?^\s+main:/m);
    expect(existsSync(js), 'electron-builder.config.mjs is the packaging config').toBe(true);
    const config = (await import(pathToFileURL(js).href)).default as { extraMetadata?: { main?: string } };
    expect(config.extraMetadata?.main ?? pkg.main).toBe(pkg.main);
  });
});
