/** A tensor as it crosses the worker boundary: a typed array (transferred, not copied) and its dims. */
export type TensorDtype = 'float32' | 'int64' | 'int32' | 'uint8' | 'bool';
export type TensorArray = Float32Array | BigInt64Array | Int32Array | Uint8Array;
export interface TensorData {
  dtype: TensorDtype;
  data: TensorArray;
  dims: number[];
}

export function float32Tensor(data: Float32Array, dims: number[]): TensorData {
  return { dtype: 'float32', data, dims };
}

/**
 * The distinct ArrayBuffers under these tensors, for a postMessage transfer list (a buffer listed twice, as
 * when two tensors view one buffer, makes postMessage throw).
 */
export function transferList(tensors: Iterable<TensorData>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const t of tensors) if (t.data.buffer instanceof ArrayBuffer) out.add(t.data.buffer);
  return [...out];
}

export interface LoadedModelInfo {
  id: string;
  provider: string;
  /** Why a preferred provider was not used, in words for Settings and the analysis run record. */
  fallbackReason: string | null;
  inputNames: string[];
  outputNames: string[];
}

/**
 * A recurrent model run for many consecutive steps inside the worker, so a stateful model (Silero VAD) costs
 * one message per block of steps instead of one per step.
 */
export interface RecurrentRun {
  steps: number;
  /** Inputs that change each step: `data` holds the `steps` step tensors back to back, `dims` is one step's shape. */
  stepped: Record<string, TensorData>;
  /** Inputs that stay the same at every step. */
  fixed: Record<string, TensorData>;
  /** State links: input name -> the output that feeds it at the next step, and its value for the first step. */
  carry: Record<string, { output: string; initial: TensorData }>;
  /** Outputs kept from every step, returned stacked (`dims` = [steps, ...one step's shape]). */
  collect: string[];
}

export interface RecurrentResult {
  outputs: Record<string, TensorData>;
  /** The carried inputs' values after the last step (to continue the sequence in a later call). */
  carry: Record<string, TensorData>;
}

export type WorkerRequest =
  | { op: 'load'; id: number; modelId: string; file: string; providers: string[]; unavailable: Record<string, string> }
  | { op: 'run'; id: number; modelId: string; feeds: Record<string, TensorData> }
  | ({ op: 'recurrent'; id: number; modelId: string } & RecurrentRun)
  | { op: 'unload'; id: number; modelId: string };

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
