/**
 * The preview face detector's worker: tasks-vision's FaceDetector (its WASM, WebGL context and every detection)
 * and the framing checks' pixel read-back run here, off the window's main thread (see preview-worker-protocol.ts
 * for why). A classic worker, because tasks-vision loads its WASM loader with importScripts.
 */
import { framePixelsToRgba, type PixelRect } from './frame-rgba.js';
import { facePixels, participantBox, type Box, type FacePixels } from './framing.js';
import { PreviewDetector, PreviewError } from './preview-detector.js';
import type { PreviewFace } from './preview-face.js';
import type { FramePixels, FromWorker, ToWorker, WorkerFailure } from './preview-worker-protocol.js';

const scope = self as unknown as {
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
  postMessage(msg: FromWorker): void;
};

let detector: PreviewDetector | null = null;
let pixelCanvas: OffscreenCanvas | null = null;

const failure = (e: unknown): WorkerFailure =>
  e instanceof PreviewError ? { key: e.key, vars: e.vars } : { message: e instanceof Error ? e.message : String(e) };

/** The face box's whole pixels, and one more to the right and below, inside a frameW × frameH frame. */
function faceRegion(box: Box, frameW: number, frameH: number): PixelRect {
  const x = Math.max(0, Math.floor(box.x));
  const y = Math.max(0, Math.floor(box.y));
  return { x, y, width: Math.min(frameW, Math.ceil(box.x + box.w) + 1) - x, height: Math.min(frameH, Math.ceil(box.y + box.h) + 1) - y };
}

/**
 * Mean, contrast and sharpness of the face at analysis scale `s` (what the thresholds were calibrated on);
 * only the face's region is drawn and read back.
 */
function measureFace(frame: CanvasImageSource, frameW: number, frameH: number, box: Box, s: number): FacePixels | null {
  const r = faceRegion(box, frameW, frameH);
  const w = Math.round(r.width * s);
  const h = Math.round(r.height * s);
  if (w < 2 || h < 2) return null;
  if (!pixelCanvas || pixelCanvas.width < w || pixelCanvas.height < h) pixelCanvas = new OffscreenCanvas(w, h);
  const ctx = pixelCanvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(frame, r.x, r.y, r.width, r.height, 0, 0, w, h);
  const img = ctx.getImageData(0, 0, w, h);
  return facePixels(img.data, w, h, 4, { x: (box.x - r.x) * s, y: (box.y - r.y) * s, w: box.w * s, h: box.h * s });
}

function toVideoFrame(p: FramePixels): VideoFrame {
  return new VideoFrame(p.data, { format: p.format, codedWidth: p.width, codedHeight: p.height, layout: p.layout, timestamp: 0 });
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  if (msg.type === 'init') {
    void PreviewDetector.create(msg.assets, msg.prefer).then(
      (d) => {
        // One detection on a blank frame before saying ready: the first one sets up the graph's buffers and
        // shaders and takes many times longer than the rest.
        d.detect(new ImageData(320, 240), 0);
        detector = d;
        scope.postMessage({ type: 'ready', delegate: d.delegate, reason: d.delegateReason });
      },
      (e: unknown) => scope.postMessage({ type: 'failed', error: failure(e) }),
    );
    return;
  }
  const { id } = msg;
  try {
    if (!detector) throw new PreviewError('previewDetector.notLoaded');
    const r = (msg.frame instanceof ImageBitmap ? null : detectCopy(detector, msg.frame, msg.scale, msg.tMs, msg.wantPixels)) ?? detectFrame(detector, msg.frame, msg.scale, msg.tMs, msg.wantPixels);
    scope.postMessage({ type: 'result', id, ...r });
  } catch (e) {
    if (msg.frame instanceof ImageBitmap) msg.frame.close();
    scope.postMessage({ type: 'result', id, faces: [], pixels: null, detectMs: 0, error: failure(e) });
  }
};

interface Detected {
  faces: PreviewFace[];
  pixels: FacePixels | null;
  detectMs: number;
}

/**
 * The usual path: the copied frame detected as RGBA at detection size (PreviewDetector.detectPixels), and the
 * face's pixels measured on its region converted at analysis scale `s`. Null when its pixel format is not one
 * frame-rgba.ts converts. The time reported covers the conversion too.
 */
function detectCopy(d: PreviewDetector, frame: FramePixels, s: number, tMs: number, wantPixels: boolean): Detected | null {
  const t0 = performance.now();
  const faces = d.detectPixels(frame, tMs);
  if (!faces) return null;
  const detectMs = performance.now() - t0;
  const face = wantPixels ? participantBox(faces) : null;
  return { faces, pixels: face ? measureRegion(frame, face.box, s) : null, detectMs };
}

/** measureFace() for copied pixels: only the face's region is converted, at analysis scale `s`. */
function measureRegion(frame: FramePixels, box: Box, s: number): FacePixels | null {
  const region = faceRegion(box, frame.width, frame.height);
  if (Math.round(region.width * s) < 2 || Math.round(region.height * s) < 2) return null;
  const img = framePixelsToRgba(frame, s, region);
  if (!img) return null;
  const kx = img.width / region.width;
  const ky = img.height / region.height;
  return facePixels(img.data, img.width, img.height, 4, { x: (box.x - region.x) * kx, y: (box.y - region.y) * ky, w: box.w * kx, h: box.h * ky });
}

/** A frame whose pixel format frame-rgba.ts does not convert: tasks-vision takes the frame itself. */
function detectFrame(d: PreviewDetector, src: FramePixels | ImageBitmap, s: number, tMs: number, wantPixels: boolean): Detected {
  const frame = src instanceof ImageBitmap ? src : toVideoFrame(src);
  try {
    const width = frame instanceof ImageBitmap ? frame.width : frame.codedWidth;
    const height = frame instanceof ImageBitmap ? frame.height : frame.codedHeight;
    const t0 = performance.now();
    const faces = d.detect(frame, tMs);
    const detectMs = performance.now() - t0;
    const face = wantPixels ? participantBox(faces) : null;
    const pixels = face ? measureFace(frame, width, height, face.box, s) : null;
    return { faces, pixels, detectMs };
  } finally {
    frame.close();
  }
}
