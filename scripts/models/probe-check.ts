import ort from 'onnxruntime-node';

/** A fixed input and PyTorch's output for it, written by a training export script. */
export interface ExportProbe {
  shape: number[];
  input: number[];
  probs: number[];
}

/**
 * Runs an exported model on its probe input with onnxruntime and returns the largest difference from PyTorch's
 * output; throws when it reaches `limit` (the export or the runtime changed the model's arithmetic).
 */
export async function checkAgainstProbe(file: string, probe: ExportProbe, limit = 1e-4): Promise<number> {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
  try {
    const res = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(probe.input), probe.shape) });
    const got = res[session.outputNames[0]].data as Float32Array;
    if (got.length !== probe.probs.length) throw new Error(`${file} gives ${got.length} outputs on the probe input, PyTorch gave ${probe.probs.length}`);
    const maxDiff = Math.max(...probe.probs.map((p, i) => Math.abs(p - got[i])));
    if (!(maxDiff < limit)) throw new Error(`onnxruntime differs from PyTorch on the probe input by ${maxDiff}`);
    return maxDiff;
  } finally {
    await session.release();
  }
}
