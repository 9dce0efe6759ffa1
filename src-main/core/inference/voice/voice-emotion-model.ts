import { EMOTIONS } from '../../../../src-shared/emotions.js';
import type { ModelEntry } from '../manifest.js';
import type { ModelRunner } from './model-runner.js';

/** What a voice-emotion model reads, recorded in its manifest entry as `inputKind`. */
export type VoiceModelInput =
  /** [batch, 1, bands, frames] natural-log mel energies from the app's frame analyser (graph normalises). */
  | 'logmel'
  /** [batch, features] window functionals in the order of the entry's `featureNames` (graph standardises). */
  | 'features';

export interface LogMelFrontEnd {
  sampleRate: number;
  frameHop: number;
  spectrumFrame: number;
  fftSize: number;
  bands: number;
  fminHz: number;
  fmaxHz: number;
  logFloor: number;
}

export interface CanonicalProbs {
  /** Canonical order; sums to 1 over the classes the model has; null for one it lacks (contempt). */
  probs: Array<number | null>;
  /** The model's calm probability (included in neutral), or null when it has no calm class. */
  calm: number | null;
}

/**
 * A voice-emotion classifier described by the manifest: runs it on the inference service and maps the
 * model's own label order into the canonical one. Classes the manifest lists under `foldInto`
 * (e.g. calm → neutral) add their probability to the named canonical class.
 */
export class VoiceEmotionModel {
  readonly inputKind: VoiceModelInput;
  readonly labels: string[];
  readonly frontEnd: LogMelFrontEnd | null;
  readonly featureNames: string[] | null;
  readonly minFrames: number;
  private readonly canonicalMap: number[];
  private readonly folds: Array<{ from: number; into: number }>;
  private readonly calmIndex: number;
  private readonly inputName: string;
  private readonly outputName: string;

  constructor(
    private readonly runner: Pick<ModelRunner, 'run'>,
    readonly entry: ModelEntry,
  ) {
    const e = entry as ModelEntry & Record<string, unknown>;
    if (entry.task !== 'voice-emotion') throw new Error(`Model "${entry.id}" is not a voice-emotion model`);
    if (!entry.labels || !entry.canonicalMap || entry.canonicalMap.length !== EMOTIONS.length) {
      throw new Error(`Model "${entry.id}" needs labels and a ${EMOTIONS.length}-entry canonicalMap in models/manifest.json`);
    }
    if (e.inputKind !== 'logmel' && e.inputKind !== 'features') throw new Error(`Model "${entry.id}" has unknown inputKind ${String(e.inputKind)}`);
    this.inputKind = e.inputKind;
    this.labels = entry.labels;
    this.canonicalMap = entry.canonicalMap;
    this.frontEnd = this.inputKind === 'logmel' ? (e.frontEnd as LogMelFrontEnd) : null;
    this.featureNames = this.inputKind === 'features' ? (e.featureNames as string[]) : null;
    this.minFrames = typeof e.minFrames === 'number' ? e.minFrames : 1;
    const foldInto = (e.foldInto ?? {}) as Record<string, string>;
    this.folds = Object.entries(foldInto).map(([from, into]) => {
      const f = this.labels.indexOf(from);
      const i = (EMOTIONS as readonly string[]).indexOf(into);
      if (f < 0 || i < 0) throw new Error(`Model "${entry.id}": cannot fold "${from}" into "${into}"`);
      return { from: f, into: i };
    });
    this.calmIndex = this.labels.indexOf('calm');
    this.inputName = entry.inputs[0].name;
    this.outputName = entry.outputs[0].name;
  }

  /** Runs one batch; `data` holds `batch` inputs back to back, `dims` the full input shape. Returns per-item model-order probabilities. */
  async run(data: Float32Array, dims: number[]): Promise<Float32Array[]> {
    const out = await this.runner.run(this.entry.id, { [this.inputName]: { dtype: 'float32', data, dims } });
    const probs = out[this.outputName];
    if (!probs || !(probs.data instanceof Float32Array)) throw new Error(`Model "${this.entry.id}" returned no "${this.outputName}"`);
    const k = this.labels.length;
    const batch = dims[0];
    if (probs.data.length !== batch * k) throw new Error(`Model "${this.entry.id}" returned ${probs.data.length} values for ${batch}×${k}`);
    return Array.from({ length: batch }, (_, i) => probs.data.slice(i * k, (i + 1) * k) as Float32Array);
  }

  /** Canonical order; a class the model lacks (canonicalMap -1 and nothing folded into it: contempt) is null, not 0. */
  toCanonical(raw: ArrayLike<number>): CanonicalProbs {
    const probs: Array<number | null> = this.canonicalMap.map((m) => (m >= 0 ? raw[m] : null));
    for (const f of this.folds) probs[f.into] = (probs[f.into] ?? 0) + raw[f.from];
    const sum = probs.reduce<number>((a, b) => a + (b ?? 0), 0);
    return { probs: sum > 0 ? probs.map((p) => (p === null ? null : p / sum)) : probs, calm: this.calmIndex >= 0 ? raw[this.calmIndex] / (sum || 1) : null };
  }
}
