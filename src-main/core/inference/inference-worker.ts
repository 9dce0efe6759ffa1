/**
 * Worker thread that owns every onnxruntime session, so model runs never block the main event loop.
 * Speaks WorkerRequest/WorkerReply over parentPort.
 */
import ort from 'onnxruntime-node';
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadedModelInfo, TensorData, WorkerReply, WorkerRequest } from './tensor-data.js';

const port = parentPort;
if (!port) throw new Error('inference-worker must run in a worker thread');
const threads = (workerData as { intraOpThreads?: number } | undefined)?.intraOpThreads;
const sessions = new Map<string, ort.InferenceSession>();

async function load(req: Extract<WorkerRequest, { op: 'load' }>): Promise<LoadedModelInfo> {
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

async function runModel(req: Extract<WorkerRequest, { op: 'run' }>): Promise<Record<string, TensorData>> {
  const session = sessions.get(req.modelId);
  if (!session) throw new Error(`Model ${req.modelId} is not loaded`);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(req.feeds)) feeds[name] = new ort.Tensor(t.dtype, t.data, t.dims);
  const out = await session.run(feeds);
  const result: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(out)) {
    result[name] = { dtype: t.type as TensorData['dtype'], data: t.data as TensorData['data'], dims: [...t.dims] };
  }
  return result;
}

port.on('message', (req: WorkerRequest) => {
  const reply = (r: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);
  const task =
    req.op === 'load' ? load(req) : req.op === 'run' ? runModel(req) : Promise.resolve(sessions.get(req.modelId)?.release()).then(() => sessions.delete(req.modelId));
  task.then(
    (value) => {
      const transfer =
        req.op === 'run'
          ? Object.values(value as Record<string, TensorData>)
              .map((t) => t.data.buffer)
              .filter((b): b is ArrayBuffer => b instanceof ArrayBuffer)
          : [];
      reply({ id: req.id, ok: true, value }, transfer);
    },
    (e: unknown) => reply({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
