import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const MODEL_TASKS = ['face-detector', 'face-detector-preview', 'face-emotion', 'face-landmarks', 'vad', 'voice-emotion'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

const tensorSpec = z
  .object({
    name: z.string(),
    shape: z.array(z.number().int()),
    dtype: z.string(),
    layout: z.string().optional(),
    normalisation: z.unknown().optional(),
  })
  .passthrough();

export const modelEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
    task: z.enum(MODEL_TASKS),
    file: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    default: z.boolean().optional(),
    inputs: z.array(tensorSpec),
    outputs: z.array(tensorSpec),
    labels: z.array(z.string()).optional(),
    /** For each canonical emotion index, the index in the model's output, or -1 when the model lacks it. */
    canonicalMap: z.array(z.number().int()).optional(),
    source: z.object({ package: z.string(), version: z.string(), path: z.string() }).passthrough(),
    licence: z.string(),
  })
  .passthrough();

export type ModelEntry = z.infer<typeof modelEntrySchema>;
export const manifestSchema = z.object({ models: z.array(modelEntrySchema) }).passthrough();
export interface Manifest {
  dir: string;
  models: ModelEntry[];
}

/**
 * Where models/ is: AFFECT_MODELS_DIR, else the repo's models/ found by walking up from this file
 * (works from src-main/core/inference in dev and from out/main when built), else beside a packaged app.
 */
export function modelsDir(): string {
  if (process.env.AFFECT_MODELS_DIR) return process.env.AFFECT_MODELS_DIR;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'models', 'manifest.json');
    if (existsSync(candidate)) return path.join(dir, 'models').replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    const unpacked = candidate.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    if (existsSync(unpacked)) return path.dirname(unpacked);
    dir = path.dirname(dir);
  }
  return path.resolve('models');
}

export function loadManifest(dir: string = modelsDir()): Manifest {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) throw new Error(`No model manifest at ${file}`);
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`models/manifest.json is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const ids = new Set<string>();
  for (const m of parsed.data.models) {
    if (ids.has(m.id)) throw new Error(`models/manifest.json lists "${m.id}" twice`);
    ids.add(m.id);
  }
  return { dir, models: parsed.data.models };
}

/** Whether ONNX Runtime in the core runs this model; others (the preview's TFLite detector) run in the renderer. */
export function isOnnxModel(entry: ModelEntry): boolean {
  return entry.file.toLowerCase().endsWith('.onnx');
}

export function getModel(manifest: Manifest, id: string): ModelEntry {
  const m = manifest.models.find((x) => x.id === id);
  if (!m) throw new Error(`Model "${id}" is not in models/manifest.json (known: ${manifest.models.map((x) => x.id).join(', ')})`);
  return m;
}

/** The entry marked default for a task, else the only one for it. */
export function defaultModelFor(manifest: Manifest, task: ModelTask): ModelEntry {
  const forTask = manifest.models.filter((m) => m.task === task);
  const chosen = forTask.find((m) => m.default) ?? (forTask.length === 1 ? forTask[0] : undefined);
  if (!chosen) throw new Error(`No default ${task} model in models/manifest.json`);
  return chosen;
}

export function modelPath(manifest: Manifest, entry: ModelEntry): string {
  return path.join(manifest.dir, entry.file);
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Refuses a model file whose bytes differ from the manifest, so exports never name the wrong hash. */
export function verifySha256(manifest: Manifest, entry: ModelEntry): void {
  const actual = sha256File(modelPath(manifest, entry));
  if (actual !== entry.sha256) throw new Error(`Model file ${entry.file} does not match its manifest sha256 (got ${actual})`);
}
