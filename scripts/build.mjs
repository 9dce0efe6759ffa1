// Builds everything `npm start`, the tests and packaging need into out/:
// main-process entries with esbuild as ES modules (node_modules stay external), the preload as CommonJS
// (sandboxed preloads cannot be ES modules), and the renderer with Vite.
// out/main/main.js is `package.json` main: a small entry that checks native modules and then loads
// out/main/shell.js (the Electron shell, src-main/main.ts). Nothing else names the main bundle.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rmSync } from 'node:fs';

const only = process.argv[2];
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, packages: 'external', logLevel: 'warning' };

if (!only || only === 'main') {
  rmSync('out/main', { recursive: true, force: true });
  await esbuild({
    ...common,
    format: 'esm',
    outdir: 'out/main',
    entryPoints: {
      main: 'src-main/electron/main-entry.ts',
      shell: 'src-main/main.ts',
      'browser-main': 'src-main/browser-main.ts',
      cli: 'src-main/core/cli.ts',
      'inference-worker': 'src-main/core/inference/inference-worker.ts',
    },
    external: ['electron'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  await esbuild({ ...common, format: 'cjs', entryPoints: { preload: 'src-preload/preload.ts' }, outExtension: { '.js': '.cjs' }, outdir: 'out/preload', external: ['electron'] });
}
if (!only || only === 'renderer') {
  await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
}
console.log('build: out/ is up to date');
