/**
 * Gives detected faces stable track IDs across frames and picks the participant.
 *
 * Matching per frame: pairs of (track, detection) are taken greedily by IoU (≥ minIou); what is left is
 * matched by centre distance (≤ maxCentreDist × the track's box size, with a plausible size change), which
 * carries a face through fast moves and re-associates a track after a short gap (a blink of the detector, a
 * hand in front of the face). A track unseen for longer than maxGapMs ends; a face appearing later gets a new
 * ID, so two people are never merged by a long gap.
 *
 * Participant: the largest, most central face when none is chosen; it stays the participant while its track
 * lives, so a bystander leaning in does not swap the rows of a session.
 */
import { type Box, iou } from '../../../../src-shared/box.js';

export type { Box };

export interface TrackerOptions {
  minIou: number;
  maxCentreDist: number;
  maxGapMs: number;
}

export const DEFAULT_TRACKER: TrackerOptions = { minIou: 0.3, maxCentreDist: 0.6, maxGapMs: 1000 };

interface Track {
  id: number;
  box: Box;
  lastMs: number;
}

export interface TrackAssignment {
  trackId: number;
  participant: boolean;
}

export class FaceTracker {
  private tracks: Track[] = [];
  private nextId = 1;
  private participantId: number | null = null;

  constructor(private readonly opts: TrackerOptions = DEFAULT_TRACKER) {}

  /** Assigns IDs for one frame's boxes (frame-pixel coordinates). Frames must come in time order. */
  update(tMs: number, boxes: Box[], frameW: number, frameH: number): TrackAssignment[] {
    this.tracks = this.tracks.filter((t) => tMs - t.lastMs <= this.opts.maxGapMs && tMs >= t.lastMs);
    const assigned = new Array<number>(boxes.length).fill(-1);
    const used = new Set<number>();

    const pairs: Array<{ t: number; d: number; s: number }> = [];
    this.tracks.forEach((t, ti) =>
      boxes.forEach((b, di) => {
        const v = iou(t.box, b);
        if (v >= this.opts.minIou) pairs.push({ t: ti, d: di, s: v });
      }),
    );
    pairs.sort((a, b) => b.s - a.s);
    for (const p of pairs) {
      if (assigned[p.d] >= 0 || used.has(p.t)) continue;
      assigned[p.d] = p.t;
      used.add(p.t);
    }

    const centrePairs: Array<{ t: number; d: number; s: number }> = [];
    this.tracks.forEach((t, ti) => {
      if (used.has(ti)) return;
      const size = Math.max(t.box.w, t.box.h);
      boxes.forEach((b, di) => {
        if (assigned[di] >= 0) return;
        const ratio = Math.max(b.w, b.h) / size;
        if (ratio < 0.67 || ratio > 1.5) return;
        const dist = Math.hypot(b.x + b.w / 2 - (t.box.x + t.box.w / 2), b.y + b.h / 2 - (t.box.y + t.box.h / 2));
        if (dist <= this.opts.maxCentreDist * size) centrePairs.push({ t: ti, d: di, s: dist / size });
      });
    });
    centrePairs.sort((a, b) => a.s - b.s);
    for (const p of centrePairs) {
      if (assigned[p.d] >= 0 || used.has(p.t)) continue;
      assigned[p.d] = p.t;
      used.add(p.t);
    }

    const ids = boxes.map((b, di) => {
      if (assigned[di] >= 0) {
        const t = this.tracks[assigned[di]];
        t.box = b;
        t.lastMs = tMs;
        return t.id;
      }
      const t: Track = { id: this.nextId++, box: b, lastMs: tMs };
      this.tracks.push(t);
      return t.id;
    });

    if (this.participantId !== null && !this.tracks.some((t) => t.id === this.participantId)) this.participantId = null;
    if (this.participantId === null && boxes.length) {
      let best = -1;
      let bestScore = -Infinity;
      boxes.forEach((b, i) => {
        // Area, discounted by up to half for a face at the frame's corner.
        const dx = (b.x + b.w / 2 - frameW / 2) / (frameW / 2);
        const dy = (b.y + b.h / 2 - frameH / 2) / (frameH / 2);
        const centrality = 1 - 0.5 * Math.min(1, Math.hypot(dx, dy) / Math.SQRT2);
        const score = b.w * b.h * centrality;
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      });
      this.participantId = ids[best];
    }
    return ids.map((trackId) => ({ trackId, participant: trackId === this.participantId }));
  }

  reset(): void {
    this.tracks = [];
    this.nextId = 1;
    this.participantId = null;
  }
}
