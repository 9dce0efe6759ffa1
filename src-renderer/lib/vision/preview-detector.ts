/**
 * The camera preview's face detector: MediaPipe's short-range BlazeFace through @mediapipe/tasks-vision's
 * FaceDetector, run on every camera frame (in the app inside a worker: preview-worker.ts). It only draws
 * preview boxes and drives the framing checks; every stored result comes from the main process's detector.
 *
 * Everything it loads comes from this app's own origin (the build copies tasks-vision's WASM files and the
 * model into `vision/`), and the model's bytes are checked against models/manifest.json before use.
 */
import { FaceDetector } from '@mediapipe/tasks-vision';
import type { MessageKey } from '../../../src-shared/i18n/i18n.js';
import { framePixelsToRgba } from './frame-rgba.js';
import { shortSideScale } from './framing.js';
import { scaleFace, type PreviewFace } from './preview-face.js';
import type { FramePixels } from './preview-worker-protocol.js';

export type { PreviewFace };

export type Delegate = 'GPU' | 'CPU';

export interface VisionAssets {
  wasmLoaderUrl: string;
  wasmBinaryUrl: string;
  modelUrl: string;
  /** The model file's sha256 from models/manifest.json; a file that differs is refused. */
  modelSha256: string;
}


/** Why this delegate, for Settings (worded there, in the interface's language: this may run in a worker). */
export type DelegateReason =
  | { kind: 'noWebgl' }
  | { kind: 'software'; renderer: string }
  | { kind: 'gpu'; renderer: string }
  | { kind: 'gpuFailed'; error: string }
  | { kind: 'requested'; delegate: Delegate };

export interface DelegateChoice {
  delegate: Delegate;
  reason: DelegateReason;
}

/**
 * A failure worded by the catalogues: the worker has no say over the window's language, so it sends the
 * catalogue entry and the window words it (preview-detector-client.ts).
 */
export class PreviewError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly vars: Record<string, string> = {},
  ) {
    super(key);
    this.name = 'PreviewError';
  }
}

/** What WebGL reports as its renderer, or null when this window has no WebGL 2. */
export function webglRenderer(): string | null {
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return name;
  } catch {
    return null;
  }
}

/** Software WebGL (no graphics hardware): the GPU delegate then runs slower than the CPU one. */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

/** GPU when WebGL 2 runs on graphics hardware, otherwise CPU; the reason is shown in Settings. */
export function chooseDelegate(renderer: string | null = webglRenderer()): DelegateChoice {
  if (renderer === null) return { delegate: 'CPU', reason: { kind: 'noWebgl' } };
  if (SOFTWARE_GL.test(renderer)) return { delegate: 'CPU', reason: { kind: 'software', renderer } };
  return { delegate: 'GPU', reason: { kind: 'gpu', renderer } };
}

/**
 * Short side of the picture tasks-vision is given by detectPixels(). BlazeFace looks at 128×128; on the test
 * clip the boxes found at 320×240 match those found at 640×480 (IoU median 0.977, min 0.955) in about half the
 * time (7.5 vs 14 ms on a 2-core AMD EPYC VM).
 */
const DETECT_SHORT_SIDE = 240;

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function loadModelBytes(url: string, sha256: string): Promise<Uint8Array<ArrayBuffer>> {
  const res = await fetch(url);
  if (!res.ok) throw new PreviewError('previewDetector.modelLoadFailed', { status: `${res.status} ${res.statusText}` });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const actual = await sha256Hex(bytes);
  if (actual !== sha256) throw new PreviewError('previewDetector.modelMismatch', { sha: actual.slice(0, 12) });
  return bytes;
}

export class PreviewDetector {
  private lastTs = -1;

  private constructor(
    private readonly detector: FaceDetector,
    readonly delegate: Delegate,
    /** Why this delegate (and, after a GPU failure, why not the GPU). */
    readonly delegateReason: DelegateReason,
  ) {}

  /** Loads tasks-vision and the model; `prefer` 'auto' picks with chooseDelegate() and falls back to CPU. */
  static async create(assets: VisionAssets, prefer: 'auto' | Delegate = 'auto'): Promise<PreviewDetector> {
    const model = await loadModelBytes(assets.modelUrl, assets.modelSha256);
    const fileset = { wasmLoaderPath: assets.wasmLoaderUrl, wasmBinaryPath: assets.wasmBinaryUrl };
    const choice: DelegateChoice = prefer === 'auto' ? chooseDelegate() : { delegate: prefer, reason: { kind: 'requested', delegate: prefer } };
    const make = (delegate: Delegate) =>
      FaceDetector.createFromOptions(fileset, {
        // tasks-vision may keep the buffer: each attempt gets its own copy.
        baseOptions: { modelAssetBuffer: model.slice(), delegate },
        runningMode: 'VIDEO',
        // The main-process detector's thresholds (models/manifest.json, face-detector decoder): same boxes.
        minDetectionConfidence: 0.5,
        minSuppressionThreshold: 0.3,
      });
    if (choice.delegate === 'GPU') {
      try {
        return new PreviewDetector(await make('GPU'), 'GPU', choice.reason);
      } catch (e) {
        const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
        return new PreviewDetector(await make('CPU'), 'CPU', { kind: 'gpuFailed', error: why });
      }
    }
    return new PreviewDetector(await make('CPU'), 'CPU', choice.reason);
  }

  /**
   * Faces in one frame. `tMs` must increase from call to call (tasks-vision's video mode); a repeated or
   * earlier time is nudged forward.
   */
  detect(source: TexImageSource | ImageData, tMs: number): PreviewFace[] {
    const ts = Math.max(tMs, this.lastTs + 0.001);
    this.lastTs = ts;
    const result = this.detector.detectForVideo(source, ts);
    const size = sourceSize(source);
    return result.detections.flatMap((d) => {
      const b = d.boundingBox;
      if (!b) return [];
      return [
        {
          score: d.categories[0]?.score ?? 0,
          box: { x: b.originX, y: b.originY, w: b.width, h: b.height },
          keypoints: (d.keypoints ?? []).map((k) => [k.x * size.width, k.y * size.height] as [number, number]),
        },
      ];
    });
  }

  /**
   * Faces in a camera frame's copied pixels, in the frame's pixels: the frame is converted to RGBA at
   * DETECT_SHORT_SIDE first (frame-rgba.ts; why not the VideoFrame itself: docs/framing.md). Null when
   * frame-rgba.ts does not know its pixel format.
   */
  detectPixels(frame: FramePixels, tMs: number): PreviewFace[] | null {
    const small = framePixelsToRgba(frame, shortSideScale(frame.width, frame.height, DETECT_SHORT_SIDE));
    if (!small) return null;
    const k = frame.width / small.width;
    return this.detect(new ImageData(small.data, small.width, small.height), tMs).map((f) => scaleFace(f, k));
  }

  close(): void {
    this.detector.close();
  }
}

function sourceSize(s: TexImageSource | ImageData): { width: number; height: number } {
  // A worker has no HTML elements (the app runs the detector in one: preview-worker.ts).
  if (typeof HTMLVideoElement !== 'undefined' && s instanceof HTMLVideoElement) return { width: s.videoWidth, height: s.videoHeight };
  if (typeof HTMLImageElement !== 'undefined' && s instanceof HTMLImageElement) return { width: s.naturalWidth, height: s.naturalHeight };
  if (typeof VideoFrame !== 'undefined' && s instanceof VideoFrame) return { width: s.displayWidth, height: s.displayHeight };
  return { width: (s as { width: number }).width, height: (s as { height: number }).height };
}
