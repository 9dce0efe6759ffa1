/**
 * Worker thread that owns every onnxruntime session, so model runs never block the main event loop.
 * Speaks WorkerRequest/WorkerReply over parentPort.
 */
import ort from 'onnxruntime-node';
import { parentPort, workerData } from 'node:worker_threads';
import { ORT_TELEMETRY_SWITCH } from '../security/process-hardening.js';
import { type LoadedModelInfo, type RecurrentResult, type TensorArray, type TensorData, transferList, type WorkerReply, type WorkerRequest } from './tensor-data.js';

const port = parentPort;
if (!port) throw new Error('inference-worker must run in a worker thread');
const threads = (workerData as { intraOpThreads?: number } | undefined)?.intraOpThreads;
const sessions = new Map<string, ort.InferenceSession>();

async function load(req: Extract<WorkerRequest, { op: 'load' }>): Promise<LoadedModelInfo> {
  // ORT reads its telemetry switch from the process environment when its first session is created; this
  // worker's env is a copy of the parent's at start, so it shows whether the parent switched it off.
  if (process.env[ORT_TELEMETRY_SWITCH] !== '1') throw new Error(`${ORT_TELEMETRY_SWITCH} is not set: refusing to start ONNX Runtime with its telemetry on`);
  const reasons: string[] = [];
  for (const provider of req.providers) {
    const why = req.unavailable[provider];
    if (why) {
      reasons.push(`${provider}: ${why}`);
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(req.file, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
      });
      await sessions.get(req.modelId)?.release();
      sessions.set(req.modelId, session);
      return {
        id: req.modelId,
        provider,
        fallbackReason: reasons.length ? reasons.join('; ') : null,
        inputNames: [...session.inputNames],
        outputNames: [...session.outputNames],
      };
    } catch (e) {
      reasons.push(`${provider}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`No execution provider could load ${req.modelId}: ${reasons.join('; ')}`);
}

function toOrt(t: TensorData): ort.Tensor {
  return new ort.Tensor(t.dtype, t.data, t.dims);
}

function toTensorData(t: ort.Tensor): TensorData {
  return { dtype: t.type as TensorData['dtype'], data: t.data as TensorData['data'], dims: [...t.dims] };
}

async function runModel(req: Extract<WorkerRequest, { op: 'run' }>): Promise<Record<string, TensorData>> {
  const session = sessions.get(req.modelId);
  if (!session) throw new Error(`Model ${req.modelId} is not loaded`);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(req.feeds)) feeds[name] = toOrt(t);
  const out = await session.run(feeds);
  const result: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(out)) result[name] = toTensorData(t);
  return result;
}

function stepSlice(t: TensorData, step: number): TensorArray {
  const size = t.dims.reduce((a, b) => a * b, 1);
  return t.data.slice(step * size, (step + 1) * size);
}

async function runRecurrent(req: Extract<WorkerRequest, { op: 'recurrent' }>): Promise<RecurrentResult> {
  const session = sessions.get(req.modelId);
  if (!session) throw new Error(`Model ${req.modelId} is not loaded`);
  const fixed: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(req.fixed)) fixed[name] = toOrt(t);
  let carried: Record<string, ort.Tensor> = {};
  for (const [name, c] of Object.entries(req.carry)) carried[name] = toOrt(c.initial);
  const collected: Record<string, { parts: TensorArray[]; dims: readonly number[]; dtype: TensorData['dtype'] }> = {};
  for (let step = 0; step < req.steps; step++) {
    const feeds: Record<string, ort.Tensor> = { ...fixed, ...carried };
    for (const [name, t] of Object.entries(req.stepped)) feeds[name] = toOrt({ ...t, data: stepSlice(t, step) });
    const out = await session.run(feeds);
    const next: Record<string, ort.Tensor> = {};
    for (const [name, c] of Object.entries(req.carry)) {
      const o = out[c.output];
      if (!o) throw new Error(`Model ${req.modelId} has no output ${c.output}`);
      next[name] = o;
    }
    carried = next;
    for (const name of req.collect) {
      const o = out[name];
      if (!o) throw new Error(`Model ${req.modelId} has no output ${name}`);
      (collected[name] ??= { parts: [], dims: o.dims, dtype: o.type as TensorData['dtype'] }).parts.push(o.data as TensorArray);
    }
  }
  const outputs: Record<string, TensorData> = {};
  for (const [name, { parts, dims, dtype }] of Object.entries(collected)) {
    const per = parts[0].length;
    const all = new (parts[0].constructor as new (n: number) => TensorArray)(per * parts.length);
    parts.forEach((p, i) => all.set(p as never, i * per));
    outputs[name] = { dtype, data: all, dims: [parts.length, ...dims] };
  }
  const carry: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(carried)) carry[name] = toTensorData(t);
  return { outputs, carry };
}

port.on('message', (req: WorkerRequest) => {
  const reply = (r: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);
  let task: Promise<unknown>;
  let transferOf: (value: unknown) => ArrayBuffer[] = () => [];
  if (req.op === 'load') task = load(req);
  else if (req.op === 'run') {
    task = runModel(req);
    transferOf = (v) => transferList(Object.values(v as Record<string, TensorData>));
  } else if (req.op === 'recurrent') {
    task = runRecurrent(req);
    transferOf = (v) => transferList([...Object.values((v as RecurrentResult).outputs), ...Object.values((v as RecurrentResult).carry)]);
  } else task = Promise.resolve(sessions.get(req.modelId)?.release()).then(() => sessions.delete(req.modelId));
  task.then(
    (value) => reply({ id: req.id, ok: true, value }, transferOf(value)),
    (e: unknown) => reply({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
