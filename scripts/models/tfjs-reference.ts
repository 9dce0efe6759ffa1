/**
 * Runs an original tfjs graph model with @tensorflow/tfjs on its pure-JS CPU backend. Used at conversion
 * time to record reference outputs, and by research scripts that need the original model's numbers.
 */
import * as tf from '@tensorflow/tfjs';
import type { TfGraph } from './tfjs-graph.js';

let backendReady: Promise<void> | null = null;

function cpuBackend(): Promise<void> {
  backendReady ??= (async () => {
    const ok = await tf.setBackend('cpu');
    if (!ok) throw new Error('tfjs cpu backend is unavailable');
    await tf.ready();
  })();
  return backendReady;
}

export interface TfjsModel {
  run(input: { data: Float32Array; dims: number[] }, outputs: string[]): Promise<Array<{ data: Float32Array; dims: number[] }>>;
  dispose(): void;
}

export async function loadTfjsModel(graph: TfGraph): Promise<TfjsModel> {
  await cpuBackend();
  const j = graph.json;
  const artifacts: tf.io.ModelArtifacts = {
    format: j.format,
    modelTopology: j.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: j.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
    weightData: graph.weightData,
    signature: j.signature as tf.io.ModelArtifacts['signature'],
    userDefinedMetadata: j.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
  };
  const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  return {
    async run(input, outputs) {
      const x = tf.tensor(input.data, input.dims, 'float32');
      try {
        const out = model.execute(x, outputs.length === 1 ? outputs[0] : outputs);
        const list = Array.isArray(out) ? out : [out];
        const res = await Promise.all(list.map(async (t) => ({ data: (await t.data()) as Float32Array, dims: [...t.shape] })));
        list.forEach((t) => t.dispose());
        return res;
      } finally {
        x.dispose();
      }
    },
    dispose: () => model.dispose(),
  };
}
