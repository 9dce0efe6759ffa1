/**
 * One preview face detector per window, loaded on first use and kept (loading tasks-vision's WASM takes a
 * second or more): Capture uses it, Settings shows which delegate it runs on and why.
 */
import { errorMessage } from '../ui/errors.js';
import type { Delegate, PreviewDetector, VisionAssets } from './preview-detector.js';

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
  reason = $state<string | null>(null);
  error = $state<string | null>(null);
  /** Milliseconds from the first request to a ready detector. */
  loadMs = $state<number | null>(null);
  private loading: Promise<PreviewDetector | null> | null = null;

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

  /** The detector, loading it the first time; null when it is switched off or cannot load (see error). */
  get(): Promise<PreviewDetector | null> {
    if (!this.enabled) {
      this.status = 'off';
      return Promise.resolve(null);
    }
    this.loading ??= (async () => {
      this.status = 'loading';
      const t0 = performance.now();
      try {
        // tasks-vision is loaded only where it is used (Capture, Settings), not with the app's first page.
        const { PreviewDetector } = await import('./preview-detector.js');
        const d = await PreviewDetector.create(visionAssets());
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
