/**
 * One preview face detector per window, loaded once and kept (loading tasks-vision's WASM takes a second or
 * more): Capture uses it, Settings shows which delegate it runs on and why. It is loaded in the background as
 * soon as the app has started (preload), so that its start-up, which competes with the camera for the CPU,
 * is over before anyone presses Record.
 */
import { errorMessage } from '../ui/errors.js';
import { PreviewDetectorClient } from './preview-detector-client.js';
import type { Delegate, DelegateReason, VisionAssets } from './preview-detector.js';

/** Set to "off" (Settings) to skip detection on camera frames: the preview then shows the main process's boxes. */
const ENABLED_KEY = 'affect.previewDetection';

export function visionAssets(base: string = document.baseURI): VisionAssets {
  const model = __PREVIEW_MODEL__;
  return {
    wasmLoaderUrl: new URL('vision/vision_wasm_internal.js', base).href,
    wasmBinaryUrl: new URL('vision/vision_wasm_internal.wasm', base).href,
    modelUrl: new URL(`vision/${model.file}`, base).href,
    modelSha256: model.sha256,
  };
}

class PreviewDetectorState {
  status = $state<'idle' | 'loading' | 'ready' | 'failed' | 'off'>('idle');
  delegate = $state<Delegate | null>(null);
  reason = $state<DelegateReason | null>(null);
  error = $state<string | null>(null);
  /** Milliseconds from the first request to a ready detector. */
  loadMs = $state<number | null>(null);
  private loading: Promise<PreviewDetectorClient | null> | null = null;

  get enabled(): boolean {
    try {
      return localStorage.getItem(ENABLED_KEY) !== 'off';
    } catch {
      return true;
    }
  }

  setEnabled(on: boolean): void {
    try {
      localStorage.setItem(ENABLED_KEY, on ? 'on' : 'off');
    } catch {
      /* a private window may refuse storage: the choice then lasts until reload */
    }
    if (!on) this.status = 'off';
    else if (this.status === 'off') this.status = this.delegate ? 'ready' : this.error ? 'failed' : 'idle';
  }

  /** Starts loading the detector when the window is next idle (at most 2 s from now), unless switched off. */
  preload(): void {
    if (!this.enabled || this.loading) return;
    const load = () => void this.get();
    if (typeof requestIdleCallback === 'function') requestIdleCallback(load, { timeout: 2000 });
    else setTimeout(load, 500);
  }

  /** The detector, loading it the first time; null when it is switched off or cannot load (see error). */
  get(): Promise<PreviewDetectorClient | null> {
    if (!this.enabled) {
      this.status = 'off';
      return Promise.resolve(null);
    }
    this.loading ??= (async () => {
      this.status = 'loading';
      const t0 = performance.now();
      try {
        // tasks-vision is loaded only where it is used (Capture, Settings), and in a worker, never in this thread.
        const d = await PreviewDetectorClient.create(visionAssets());
        this.delegate = d.delegate;
        this.reason = d.delegateReason;
        this.loadMs = performance.now() - t0;
        this.status = 'ready';
        return d;
      } catch (e) {
        this.error = errorMessage(e);
        this.status = 'failed';
        return null;
      }
    })();
    return this.loading;
  }
}

export const previewDetector = new PreviewDetectorState();
