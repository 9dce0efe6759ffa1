/**
 * Puts the main process's emotion labels on the preview's boxes.
 *
 * The preview detects faces on every camera frame; the main process analyses a few frames a second and
 * answers later, with its own track ids. Preview boxes get preview ids from frame to frame (PreviewTracks);
 * when a main result arrives, its faces are matched to the preview boxes *of the frame it analysed* (kept in
 * a short history), and each matched preview id takes that main track's id and label. The label then rides
 * on the preview box as it moves, until the next result replaces it.
 */
import type { FaceObservation, FrameFaces } from '../../../src-shared/contract/face.js';
import { type Box, iou } from '../../../src-shared/box.js';

/** Centre distance in units of the larger box's size. */
function centreDistance(a: Box, b: Box): number {
  const d = Math.hypot(a.x + a.w / 2 - (b.x + b.w / 2), a.y + a.h / 2 - (b.y + b.h / 2));
  return d / Math.max(a.w, a.h, b.w, b.h, 1e-9);
}

/**
 * Greedy one-to-one pairing: by IoU (at least minIou), then what is left by centre distance (at most
 * maxCentreDist box sizes). Returns for each `a` the index of its `b`, or -1.
 */
export function pairBoxes(a: Box[], b: Box[], minIou = 0.3, maxCentreDist = 0.6): number[] {
  const out = new Array<number>(a.length).fill(-1);
  const used = new Set<number>();
  const byIou: Array<[number, number, number]> = [];
  a.forEach((x, i) => b.forEach((y, j) => byIou.push([iou(x, y), i, j])));
  byIou.sort((p, q) => q[0] - p[0]);
  for (const [v, i, j] of byIou) {
    if (v < minIou) break;
    if (out[i] >= 0 || used.has(j)) continue;
    out[i] = j;
    used.add(j);
  }
  const byDist: Array<[number, number, number]> = [];
  a.forEach((x, i) => {
    if (out[i] < 0) b.forEach((y, j) => !used.has(j) && byDist.push([centreDistance(x, y), i, j]));
  });
  byDist.sort((p, q) => p[0] - q[0]);
  for (const [d, i, j] of byDist) {
    if (d > maxCentreDist) break;
    if (out[i] >= 0 || used.has(j)) continue;
    out[i] = j;
    used.add(j);
  }
  return out;
}

/** Stable ids for the preview's boxes from frame to frame. */
export class PreviewTracks {
  private tracks: Array<{ id: number; box: Box; atMs: number }> = [];
  private nextId = 1;
  constructor(private readonly maxGapMs = 500) {}

  update(atMs: number, boxes: Box[]): number[] {
    this.tracks = this.tracks.filter((t) => atMs - t.atMs <= this.maxGapMs);
    const pairs = pairBoxes(boxes, this.tracks.map((t) => t.box));
    return boxes.map((box, i) => {
      const t = pairs[i] >= 0 ? this.tracks[pairs[i]] : null;
      if (t) {
        t.box = box;
        t.atMs = atMs;
        return t.id;
      }
      const id = this.nextId++;
      this.tracks.push({ id, box, atMs });
      return id;
    });
  }
}

export interface PreviewFrameFaces {
  /** performance.now() when the frame was shown. */
  atMs: number;
  width: number;
  height: number;
  faces: Array<{ id: number; box: Box }>;
}

export interface AttachedLabel {
  observation: FaceObservation;
  /** performance.now() of the main result it came from. */
  atMs: number;
}

export class LabelAttacher {
  private history: PreviewFrameFaces[] = [];
  private readonly labels = new Map<number, AttachedLabel>();

  constructor(private readonly opts = { historyMs: 3000, maxFrameGapMs: 100, keepMs: 3000 }) {}

  addPreviewFrame(f: PreviewFrameFaces): void {
    this.history.push(f);
    while (this.history.length && f.atMs - this.history[0].atMs > this.opts.historyMs) this.history.shift();
  }

  /**
   * A main result for the frame grabbed at `grabAtMs` (performance.now()). Its boxes are in its own frame's
   * pixels (result.width × result.height), which may be a downscaled copy of the preview's.
   */
  addMainResult(result: FrameFaces, grabAtMs: number): void {
    let best: PreviewFrameFaces | null = null;
    for (const f of this.history) if (!best || Math.abs(f.atMs - grabAtMs) < Math.abs(best.atMs - grabAtMs)) best = f;
    if (!best || Math.abs(best.atMs - grabAtMs) > this.opts.maxFrameGapMs) return;
    const sx = best.width / result.width;
    const sy = best.height / result.height;
    const mainBoxes = result.faces.map((o) => ({ x: o.box.x * sx, y: o.box.y * sy, w: o.box.w * sx, h: o.box.h * sy }));
    const pairs = pairBoxes(best.faces.map((f) => f.box), mainBoxes);
    best.faces.forEach((f, i) => {
      if (pairs[i] >= 0) this.labels.set(f.id, { observation: result.faces[pairs[i]], atMs: grabAtMs });
      // A preview face the main process analysed and did not find keeps no old label.
      else this.labels.delete(f.id);
    });
  }

  /** The label on preview box `id`, or null; labels older than keepMs are dropped. */
  labelFor(id: number, nowMs: number): AttachedLabel | null {
    const l = this.labels.get(id);
    if (!l) return null;
    if (nowMs - l.atMs > this.opts.keepMs) {
      this.labels.delete(id);
      return null;
    }
    return l;
  }
}
