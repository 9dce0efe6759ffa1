/**
 * Messages between the window and the preview detector's worker (preview-worker.ts).
 *
 * Why a worker: Chromium hands every camera frame to MediaRecorder through the window's main thread, and the
 * camera has only 4 frame buffers. While the main thread is busy, frames wait for it holding those buffers,
 * the camera finds none free and drops what it captures next: a main-thread task of a few hundred milliseconds
 * (tasks-vision's start-up, or one slow detection on a busy machine) is a hole in the recording. So the window
 * only copies each frame out of the camera's buffer (VideoFrame.copyTo, well under a millisecond, the buffer
 * is released at once) and draws the results; loading, detection and pixel read-back all happen here.
 */
import type { FacePixels } from './framing.js';
import type { MessageKey } from '../../../src-shared/i18n/i18n.js';
import type { Delegate, DelegateReason, PreviewFace, VisionAssets } from './preview-detector.js';

/** A failure in the worker: a catalogue entry (worded by the window, in its language), or a library's own message. */
export type WorkerFailure = { key: MessageKey; vars: Record<string, string> } | { message: string };

/** A camera frame's pixels copied out of its VideoFrame, to rebuild it on the other side. */
export interface FramePixels {
  data: ArrayBuffer;
  format: VideoPixelFormat;
  width: number;
  height: number;
  layout: PlaneLayout[];
  /** The frame's colour matrix and range (VideoFrame.colorSpace), for converting Y'CbCr to RGB. */
  colorSpace?: { matrix: string | null; fullRange: boolean | null };
}

export type ToWorker =
  | { type: 'init'; assets: VisionAssets; prefer: 'auto' | Delegate }
  | {
      type: 'detect';
      id: number;
      /** The frame: copied pixels, or (where the frame's format cannot be copied) an ImageBitmap the worker closes. */
      frame: FramePixels | ImageBitmap;
      /** Video pixels to analysis pixels (framing.ts analysisScale): the scale the pixel measures are taken at. */
      scale: number;
      /** Increasing time of the frame (tasks-vision's video mode). */
      tMs: number;
      /** Also measure the participant's face pixels (brightness, contrast, sharpness) on this frame. */
      wantPixels: boolean;
    };

export type FromWorker =
  | { type: 'ready'; delegate: Delegate; reason: DelegateReason }
  | { type: 'failed'; error: WorkerFailure }
  | {
      type: 'result';
      id: number;
      /** In the frame's pixels. */
      faces: PreviewFace[];
      /** Null when not asked for, when no face was found, or when the face is too small to measure. */
      pixels: FacePixels | null;
      /** Time spent in tasks-vision's detectForVideo, and in converting the frame to RGBA before it (frame-rgba.ts). */
      detectMs: number;
      error?: WorkerFailure;
    };
