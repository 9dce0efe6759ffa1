import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { switchOffOrtTelemetry } from '../security/process-hardening.js';
import { getModel, isOnnxModel, loadManifest, type Manifest, modelPath, modelsDir, verifySha256 } from './manifest.js';
import { type BackendInfo, providerOrder, type ProviderPreference, unavailableReason } from './providers.js';
import { type LoadedModelInfo, type RecurrentResult, type RecurrentRun, type TensorData, transferList, type WorkerReply, type WorkerRequest } from './tensor-data.js';

export type { TensorData, LoadedModelInfo } from './tensor-data.js';

const require = createRequire(import.meta.url);

export interface InferenceOptions {
  provider?: ProviderPreference;
  modelsDir?: string;
  /** Threads per model run; default: all cores but one (see defaultIntraOpThreads). */
  intraOpThreads?: number;
}

/** Distributes a WorkerRequest without its id. */
type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

function backendsAvailable(): { backends: BackendInfo[]; cudaLibs: boolean } {
  switchOffOrtTelemetry();
  try {
    const ort = require('onnxruntime-node') as { listSupportedBackends?: () => BackendInfo[] };
    const backends = ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
    const pkgDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
    const binDir = path.join(pkgDir, 'bin', 'napi-v6', process.platform, process.arch);
    const cudaLibs =
      existsSync(path.join(binDir, 'libonnxruntime_providers_cuda.so')) || existsSync(path.join(binDir, 'onnxruntime_providers_cuda.dll'));
    return { backends, cudaLibs };
  } catch {
    return { backends: [{ name: 'cpu', bundled: true }], cudaLibs: false };
  }
}

/**
 * One core is left to the main thread and ffmpeg, which feed the models: on 2 cores, offline face analysis
 * ran 169 frames/s with 1 ORT thread and 76 with 2 (scripts/bench/face.ts). AFFECT_ORT_THREADS overrides.
 */
export function defaultIntraOpThreads(): number {
  const env = Number(process.env.AFFECT_ORT_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  return Math.max(1, os.availableParallelism() - 1);
}

/** The longest close() waits for a model load or run in progress (a model run takes milliseconds, a load seconds). */
const CLOSE_WAIT_MS = 30_000;

function workerUrl(): URL {
  // In tests and dev the core runs from .ts sources; built, the worker is bundled beside main.js.
  return import.meta.url.endsWith('.ts') ? new URL('./inference-worker.ts', import.meta.url) : new URL('./inference-worker.js', import.meta.url);
}

/**
 * Runs onnxruntime-node sessions in a worker thread. One service per process; models are loaded by
 * manifest id and the provider actually used (and why any preferred one was skipped) is reported.
 */
export class InferenceService {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly loaded = new Map<string, LoadedModelInfo>();
  /** Requests the worker has not answered yet, even those whose callers were already failed by close(). */
  private readonly inWorker = new Set<number>();
  private workerIdle: (() => void) | null = null;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    readonly manifest: Manifest,
    readonly preference: ProviderPreference,
  ) {
    worker.on('message', (r: WorkerReply) => {
      this.inWorker.delete(r.id);
      if (this.inWorker.size === 0) this.workerIdle?.();
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.value);
      else p.reject(new Error(r.error));
    });
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', (code) => {
      this.inWorker.clear();
      this.workerIdle?.();
      if (!this.closed) this.failAll(new Error(`Inference worker stopped (exit code ${code})`));
    });
  }

  static async start(opts: InferenceOptions = {}): Promise<InferenceService> {
    const manifest = loadManifest(opts.modelsDir ?? modelsDir());
    // Whoever embeds the core, ORT's telemetry is off before the worker (and its ORT environment) exists.
    switchOffOrtTelemetry();
    const url = workerUrl();
    const workerData = { intraOpThreads: opts.intraOpThreads ?? defaultIntraOpThreads() };
    // From .ts sources (tests, dev) the worker loads its module through tsx, since Node 20 cannot run .ts itself.
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(url.href)}))`, { eval: true, workerData })
      : new Worker(url, { workerData });
    return new InferenceService(worker, manifest, opts.provider ?? 'auto');
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private call<T>(body: RequestBody, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.closed) return Promise.reject(new Error('Inference service is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.inWorker.add(id);
      this.worker.postMessage({ ...body, id } as WorkerRequest, transfer);
    });
  }

  /** Loads a model by manifest id (after checking its sha256); loading twice is a no-op. */
  async load(modelId: string): Promise<LoadedModelInfo> {
    const existing = this.loaded.get(modelId);
    if (existing) return existing;
    const entry = getModel(this.manifest, modelId);
    // Said here rather than as ONNX Runtime's "Protobuf parsing failed" from the worker.
    if (!isOnnxModel(entry)) throw new Error(`Model "${modelId}" is not an ONNX model, so the core cannot run it (${String(entry.runtime ?? entry.file)})`);
    verifySha256(this.manifest, entry);
    const { backends, cudaLibs } = backendsAvailable();
    const providers = providerOrder(process.platform, this.preference);
    const unavailable: Record<string, string> = {};
    for (const p of providers) {
      const why = unavailableReason(p, backends, cudaLibs);
      if (why) unavailable[p] = why;
    }
    const info = await this.call<LoadedModelInfo>({ op: 'load', modelId, file: modelPath(this.manifest, entry), providers, unavailable });
    this.loaded.set(modelId, info);
    return info;
  }

  /** Runs a loaded model. Input buffers are transferred to the worker: do not reuse them afterwards. */
  async run(modelId: string, feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
    if (!this.loaded.has(modelId)) await this.load(modelId);
    return this.call<Record<string, TensorData>>({ op: 'run', modelId, feeds }, transferList(Object.values(feeds)));
  }

  /**
   * Runs a loaded recurrent model for `run.steps` consecutive steps in the worker, feeding each step's state
   * outputs back as the next step's inputs. Input buffers are transferred: do not reuse them afterwards.
   */
  async runRecurrent(modelId: string, run: RecurrentRun): Promise<RecurrentResult> {
    if (!this.loaded.has(modelId)) await this.load(modelId);
    if (!(Number.isInteger(run.steps) && run.steps > 0)) throw new Error(`Recurrent run needs a positive whole number of steps, got ${run.steps}`);
    for (const [name, t] of Object.entries(run.stepped)) {
      const per = t.dims.reduce((a, b) => a * b, 1);
      if (t.data.length !== per * run.steps) throw new Error(`Stepped input ${name} holds ${t.data.length} values, not ${run.steps} steps of ${per}`);
    }
    const tensors = [...Object.values(run.stepped), ...Object.values(run.fixed), ...Object.values(run.carry).map((c) => c.initial)];
    return this.call<RecurrentResult>({ op: 'recurrent', modelId, ...run }, transferList(tensors));
  }

  /** Provider per loaded model, for Settings and analysis-run records. */
  providerReport(): LoadedModelInfo[] {
    return [...this.loaded.values()];
  }

  /**
   * Callers waiting on a model get an error at once; the worker is stopped only once ONNX Runtime has finished
   * what it was doing (bounded), since terminating it mid-load or mid-run aborts the whole process (locking the
   * app during an analysis did).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('Inference service is closed'));
    if (this.inWorker.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_WAIT_MS);
        this.workerIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await this.worker.terminate();
  }
}
