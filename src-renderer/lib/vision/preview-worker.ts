/**
 * The preview face detector's worker: tasks-vision's FaceDetector (its WASM, WebGL context and every detection)
 * and the framing checks' pixel read-back run here, off the window's main thread (see preview-worker-protocol.ts
 * for why). A classic worker, because tasks-vision loads its WASM loader with importScripts.
 */
import { facePixels, participantBox, type Box, type FacePixels } from './framing.js';
import { PreviewDetector, PreviewError } from './preview-detector.js';
import type { FramePixels, FromWorker, ToWorker, WorkerFailure } from './preview-worker-protocol.js';

const scope = self as unknown as {
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
  postMessage(msg: FromWorker): void;
};

let detector: PreviewDetector | null = null;
let pixelCanvas: OffscreenCanvas | null = null;

const failure = (e: unknown): WorkerFailure =>
  e instanceof PreviewError ? { key: e.key, vars: e.vars } : { message: e instanceof Error ? e.message : String(e) };

/**
 * Mean, contrast and sharpness of the face at analysis scale `s` (what the thresholds were calibrated on);
 * only the face's region is drawn and read back.
 */
function measureFace(frame: CanvasImageSource, frameW: number, frameH: number, box: Box, s: number): FacePixels | null {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(frameW, Math.ceil(box.x + box.w) + 1);
  const y1 = Math.min(frameH, Math.ceil(box.y + box.h) + 1);
  const w = Math.round((x1 - x0) * s);
  const h = Math.round((y1 - y0) * s);
  if (w < 2 || h < 2) return null;
  if (!pixelCanvas || pixelCanvas.width < w || pixelCanvas.height < h) pixelCanvas = new OffscreenCanvas(w, h);
  const ctx = pixelCanvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(frame, x0, y0, x1 - x0, y1 - y0, 0, 0, w, h);
  const img = ctx.getImageData(0, 0, w, h);
  return facePixels(img.data, w, h, 4, { x: (box.x - x0) * s, y: (box.y - y0) * s, w: box.w * s, h: box.h * s });
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
  let frame: VideoFrame | ImageBitmap | null = null;
  try {
    if (!detector) throw new PreviewError('previewDetector.notLoaded');
    frame = msg.frame instanceof ImageBitmap ? msg.frame : toVideoFrame(msg.frame);
    const width = frame instanceof ImageBitmap ? frame.width : frame.codedWidth;
    const height = frame instanceof ImageBitmap ? frame.height : frame.codedHeight;
    const t0 = performance.now();
    const faces = detector.detect(frame, msg.tMs);
    const detectMs = performance.now() - t0;
    const face = msg.wantPixels ? participantBox(faces) : null;
    const pixels = face ? measureFace(frame, width, height, face.box, msg.scale) : null;
    scope.postMessage({ type: 'result', id, faces, pixels, detectMs });
  } catch (e) {
    scope.postMessage({ type: 'result', id, faces: [], pixels: null, detectMs: 0, error: failure(e) });
  } finally {
    if (frame) frame.close();
    else if (msg.frame instanceof ImageBitmap) msg.frame.close();
  }
};
