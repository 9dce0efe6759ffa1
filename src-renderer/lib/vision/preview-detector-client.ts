/**
 * The window's side of the preview face detector: starts preview-worker.ts, and sends it camera frames one at
 * a time. Nothing of tasks-vision runs on the main thread (see preview-worker-protocol.ts for why).
 */
import type { FacePixels } from './framing.js';
import { t } from '../i18n/i18n.js';
import type { Delegate, DelegateReason, PreviewFace, VisionAssets } from './preview-detector.js';
import type { FramePixels, FromWorker, ToWorker, WorkerFailure } from './preview-worker-protocol.js';

/** A worker's failure in the interface's language. */
function failureError(f: WorkerFailure): Error {
  return new Error('key' in f ? t(f.key, f.vars) : f.message);
}

export interface DetectResult {
  /** In the frame's pixels. */
  faces: PreviewFace[];
  pixels: FacePixels | null;
  detectMs: number;
}

export class PreviewDetectorClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: DetectResult) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly delegate: Delegate,
    readonly delegateReason: DelegateReason,
  ) {
    worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      const msg = ev.data;
      if (msg.type !== 'result') return;
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (!p) return;
      if (msg.error) p.reject(failureError(msg.error));
      else p.resolve({ faces: msg.faces, pixels: msg.pixels, detectMs: msg.detectMs });
    };
    worker.onerror = (ev) => this.fail(new Error(t('previewDetector.stopped', { error: ev.message || t('previewDetector.unknownError') })));
  }

  /** Starts the worker and loads tasks-vision and the model in it; rejects with the reason it could not. */
  static create(assets: VisionAssets, prefer: 'auto' | Delegate = 'auto'): Promise<PreviewDetectorClient> {
    // Classic (not module) worker: tasks-vision loads its WASM loader with importScripts.
    const worker = new Worker(new URL('./preview-worker.ts', import.meta.url), { name: 'preview-face-detector' });
    return new Promise<PreviewDetectorClient>((resolve, reject) => {
      const fail = (e: Error) => {
        worker.terminate();
        reject(e);
      };
      worker.onmessage = (ev: MessageEvent<FromWorker>) => {
        const msg = ev.data;
        if (msg.type === 'ready') resolve(new PreviewDetectorClient(worker, msg.delegate, msg.reason));
        else if (msg.type === 'failed') fail(failureError(msg.error));
      };
      worker.onerror = (ev) => fail(new Error(t('previewDetector.couldNotStart', { error: ev.message || t('previewDetector.unknownError') })));
      worker.postMessage({ type: 'init', assets, prefer } satisfies ToWorker);
    });
  }

  /** Detects faces in `frame` (transferred to the worker); `scale`: frame pixels to analysis pixels. */
  detect(frame: FramePixels | ImageBitmap, scale: number, tMs: number, wantPixels: boolean): Promise<DetectResult> {
    const transfer = frame instanceof ImageBitmap ? frame : frame.data;
    if (this.failure) {
      if (frame instanceof ImageBitmap) frame.close();
      return Promise.reject(this.failure);
    }
    const id = this.nextId++;
    return new Promise<DetectResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'detect', id, frame, scale, tMs, wantPixels } satisfies ToWorker, [transfer]);
    });
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  close(): void {
    this.fail(new Error(t('previewDetector.closed')));
    this.worker.terminate();
  }
}
