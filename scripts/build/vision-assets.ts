/**
 * Vite plugin: copies what the renderer's preview face detector loads into the build, under `vision/`, so the
 * app serves it from its own origin (the Content-Security-Policy allows no other): tasks-vision's WASM loader
 * and binary, and the face-detector-preview model named by models/manifest.json. The model's file name and
 * sha256 reach the renderer as the build-time constant __PREVIEW_MODEL__ (the renderer checks the bytes).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

const WASM_FILES = ['vision_wasm_internal.js', 'vision_wasm_internal.wasm'];

interface ManifestLike {
  models: Array<{ id: string; task: string; file: string; sha256: string; default?: boolean }>;
}

export function previewModelEntry(modelsDir: string): { id: string; file: string; sha256: string } {
  const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')) as ManifestLike;
  const forTask = manifest.models.filter((m) => m.task === 'face-detector-preview');
  const entry = forTask.find((m) => m.default) ?? forTask[0];
  if (!entry) throw new Error('models/manifest.json has no face-detector-preview model');
  return { id: entry.id, file: entry.file, sha256: entry.sha256 };
}

export function visionAssets(opts: { modelsDir: string }): Plugin {
  const require = createRequire(import.meta.url);
  const model = previewModelEntry(opts.modelsDir);
  return {
    name: 'affect-vision-assets',
    config: () => ({ define: { __PREVIEW_MODEL__: JSON.stringify(model) } }),
    generateBundle() {
      // The package exports each WASM file by name.
      for (const f of WASM_FILES) this.emitFile({ type: 'asset', fileName: `vision/${f}`, source: readFileSync(require.resolve(`@mediapipe/tasks-vision/${f}`)) });
      this.emitFile({ type: 'asset', fileName: `vision/${model.file}`, source: readFileSync(path.join(opts.modelsDir, model.file)) });
    },
  };
}
