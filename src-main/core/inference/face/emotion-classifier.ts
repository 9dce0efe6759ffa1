/**
 * Runs the manifest's face-emotion model on many gray crops at once and returns canonical-order probabilities.
 */
import type { InferenceService } from '../inference-service.js';
import type { ModelEntry } from '../manifest.js';
import { canonicalIndex, inputNormalisation, type Normalisation, toCanonical } from './model-io.js';

export class EmotionClassifier {
  readonly size: number;
  readonly norm: Normalisation & { grayWeights: [number, number, number] };
  private readonly map: number[];
  private readonly inputName: string;
  private readonly outputName: string;

  constructor(
    private readonly svc: InferenceService,
    readonly entry: ModelEntry,
    /** Largest batch per model call; bigger requests are split. */
    private readonly maxBatch = 64,
  ) {
    const input = entry.inputs[0];
    if (input.shape.length !== 4 || input.shape[1] !== input.shape[2] || input.shape[3] !== 1) {
      throw new Error(`Emotion model ${entry.id}: expected NHWC [batch, S, S, 1] input, manifest says ${JSON.stringify(input.shape)}`);
    }
    this.size = input.shape[1];
    const n = inputNormalisation(entry);
    if (!n.grayWeights) throw new Error(`Emotion model ${entry.id}: normalisation.grayWeights is missing`);
    this.norm = { ...n, grayWeights: n.grayWeights };
    this.map = canonicalIndex(entry);
    this.inputName = input.name;
    this.outputName = entry.outputs[0].name;
  }

  /**
   * `gray` holds `count` crops of size×size gray values in 0..255 (consumed: normalised in place and
   * transferred). Returns `count` rows of canonical probabilities (null for a class the model lacks).
   */
  async classify(gray: Float32Array, count: number): Promise<Array<Array<number | null>>> {
    const px = this.size * this.size;
    if (gray.length !== count * px) throw new Error(`Expected ${count} crops of ${px} values, got ${gray.length} values`);
    const results: Array<Array<number | null>> = [];
    for (let start = 0; start < count; start += this.maxBatch) {
      const n = Math.min(this.maxBatch, count - start);
      const batch = count <= this.maxBatch ? gray : gray.slice(start * px, (start + n) * px);
      const { scale, offset } = this.norm;
      for (let i = 0; i < batch.length; i++) batch[i] = batch[i] * scale + offset;
      const out = await this.svc.run(this.entry.id, { [this.inputName]: { dtype: 'float32', data: batch, dims: [n, this.size, this.size, 1] } });
      const t = out[this.outputName];
      const classes = t.dims[1];
      const data = t.data as Float32Array;
      for (let i = 0; i < n; i++) results.push(toCanonical(data, i * classes, this.map));
    }
    return results;
  }
}
