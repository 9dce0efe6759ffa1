import type { RecurrentResult, RecurrentRun, TensorData } from '../tensor-data.js';

/** The part of InferenceService the voice models need; tests and benches may pass the service itself. */
export interface ModelRunner {
  run(modelId: string, feeds: Record<string, TensorData>): Promise<Record<string, TensorData>>;
  runRecurrent(modelId: string, run: RecurrentRun): Promise<RecurrentResult>;
}

/** A manifest field this code needs, checked, with a message that names the model and the field. */
export function numberField(entry: Record<string, unknown>, key: string): number {
  const v = entry[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`Model "${String(entry.id)}" in models/manifest.json lacks a numeric "${key}"`);
  return v;
}
