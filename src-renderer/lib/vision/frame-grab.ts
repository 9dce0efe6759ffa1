/**
 * The frame a <video> shows, copied out of the camera's buffer on the window's main thread (about 2 ms), for the
 * preview detector's worker and the live analysis. Drawing the video into a canvas and reading it back took
 * 11-44 ms per frame there on a 2-core AMD EPYC VM, and the camera's frames reach MediaRecorder through that
 * thread (see preview-worker-protocol.ts).
 */
import type { FramePixels } from './preview-worker-protocol.js';

/**
 * The frame on screen, copied out of the camera's buffer, which is released at once (a VideoFrame kept open
 * would hold one of the camera's few buffers: see preview-worker-protocol.ts). Where the frame's format cannot
 * be copied, an ImageBitmap of it.
 */
export async function grabFrame(video: HTMLVideoElement): Promise<FramePixels | ImageBitmap> {
  let vf: VideoFrame;
  try {
    vf = new VideoFrame(video);
  } catch {
    return createImageBitmap(video);
  }
  const format = vf.format;
  const rect = vf.visibleRect;
  try {
    if (format && rect) {
      const data = new ArrayBuffer(vf.allocationSize());
      const layout = await vf.copyTo(data);
      const cs = vf.colorSpace;
      return { data, format, width: rect.width, height: rect.height, layout, colorSpace: { matrix: cs.matrix ?? null, fullRange: cs.fullRange ?? null } };
    }
  } finally {
    vf.close();
  }
  return createImageBitmap(video);
}
