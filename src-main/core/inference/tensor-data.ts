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

export interface LoadedModelInfo {
  id: string;
  provider: string;
  /** Why a preferred provider was not used, in words for Settings and the analysis run record. */
  fallbackReason: string | null;
  inputNames: string[];
  outputNames: string[];
}

export type WorkerRequest =
  | { op: 'load'; id: number; modelId: string; file: string; providers: string[]; unavailable: Record<string, string> }
  | { op: 'run'; id: number; modelId: string; feeds: Record<string, TensorData> }
  | { op: 'unload'; id: number; modelId: string };

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
