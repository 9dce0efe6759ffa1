/**
 * Recording statistics like OBS's: what the camera delivered while recording, against what its nominal frame
 * rate promises. Counted in the window (frames presented to the page, the frames the recorder gets), shown
 * live in Capture and stored with the session at Stop. A camera under load delivers fewer frames than it
 * says, and the analysis of such a recording sees the face less often: this says so while it happens.
 */
import { z } from 'zod';

/** Below this share of the nominal rate the recording is flagged. */
export const LOW_RATE_SHARE = 0.9;
/** A gap between frames longer than this is counted (about three frames at 30 fps). */
export const LONG_GAP_MS = 100;

export const recordingStatsSchema = z
  .object({
    /** The frame rate the camera said it delivers (track settings). */
    nominalFps: z.number().positive().max(1000),
    /** Frames received while recording, and how many the nominal rate promised over the same time. */
    framesReceived: z.number().int().nonnegative(),
    framesExpected: z.number().int().nonnegative(),
    /** Frames that never came (expected minus received, at least 0). */
    droppedFrames: z.number().int().nonnegative(),
    measuredFps: z.number().nonnegative().max(1000),
    /** The longest time without a new frame, ms, and how many gaps were over LONG_GAP_MS. */
    longestGapMs: z.number().nonnegative(),
    gapsOverLimit: z.number().int().nonnegative(),
    /** Time the counts cover, ms. */
    durationMs: z.number().nonnegative(),
  })
  .strict();
export type RecordingStats = z.infer<typeof recordingStatsSchema>;

/** Whether the camera delivered under 90 % of its nominal rate (only said after a second of recording). */
export function belowNominal(s: RecordingStats): boolean {
  return s.durationMs >= 1000 && s.framesExpected > 0 && s.framesReceived < LOW_RATE_SHARE * s.framesExpected;
}

/**
 * Counts frames as they are presented: `presented` is the running count of frames shown (it may jump when the
 * page's callback missed some: they still arrived), `tMs` the frame's capture or media time.
 */
export class FrameCounter {
  private startMs: number | null = null;
  private startPresented = 0;
  private lastMs = 0;
  private lastPresented = 0;
  private longest = 0;
  private longGaps = 0;

  constructor(private readonly nominalFps: number) {}

  frame(tMs: number, presented: number): void {
    if (this.startMs === null) {
      this.startMs = tMs;
      this.startPresented = presented;
    } else {
      const n = Math.max(1, presented - this.lastPresented);
      // Frames the callback did not see arrived in between: the gap is shared out among them.
      const gap = (tMs - this.lastMs) / n;
      if (gap > this.longest) this.longest = gap;
      if (gap > LONG_GAP_MS) this.longGaps++;
    }
    this.lastMs = tMs;
    this.lastPresented = presented;
  }

  /** The figures up to `nowMs` (the recording clock; a camera that stopped sending shows as one long gap). */
  stats(nowMs: number): RecordingStats {
    const start = this.startMs ?? nowMs;
    const durationMs = Math.max(0, nowMs - start);
    const received = this.startMs === null ? 0 : this.lastPresented - this.startPresented + 1;
    const expected = Math.round((durationMs / 1000) * this.nominalFps);
    const trailing = this.startMs === null ? durationMs : nowMs - this.lastMs;
    const longest = Math.max(this.longest, trailing);
    return {
      nominalFps: this.nominalFps,
      framesReceived: received,
      framesExpected: Math.max(expected, received),
      droppedFrames: Math.max(0, expected - received),
      measuredFps: durationMs > 0 ? Math.min(1000, (received * 1000) / durationMs) : 0,
      longestGapMs: Math.round(longest),
      gapsOverLimit: this.longGaps + (trailing > LONG_GAP_MS ? 1 : 0),
      durationMs: Math.round(durationMs),
    };
  }
}
