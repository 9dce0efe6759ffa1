/**
 * The Capture view's microphone level as reactive state: a LevelMeter on the open stream, read ten times a
 * second, with the bar's position and colour zone derived from it.
 */
import { LevelMeter, METER_FLOOR_DB } from './level-meter.js';

/** The meter's visible range; quieter input sits at the left end of the bar. */
export const METER_MIN_DB = -60;

export class MicLevel {
  db = $state(METER_FLOOR_DB);
  /** The browser keeps audio paused until the user interacts with the page. */
  suspended = $state(false);
  readonly percent = $derived(Math.max(0, Math.min(100, ((this.db - METER_MIN_DB) / -METER_MIN_DB) * 100)));
  readonly zone = $derived<'clip' | 'hot' | 'ok'>(this.db > -3 ? 'clip' : this.db > -12 ? 'hot' : 'ok');

  private meter: LevelMeter | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  /** Meters the stream's audio (replacing any earlier stream); a stream without audio shows silence. */
  start(stream: MediaStream): void {
    this.stop();
    if (!stream.getAudioTracks().length) return;
    let m: LevelMeter;
    try {
      m = new LevelMeter(stream);
    } catch {
      return;
    }
    this.meter = m;
    this.timer = setInterval(() => {
      this.suspended = m.suspended;
      this.db = m.read();
    }, 100);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const m = this.meter;
    this.meter = null;
    void m?.close().catch(() => {});
    this.db = METER_FLOOR_DB;
  }
}
