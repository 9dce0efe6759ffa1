import type { AnalysisProgress } from '../../../src-shared/analysis.js';
import type { StageProgress } from './stage.js';

type Running = Omit<AnalysisProgress, 'runId' | 'sessionId'>;

/**
 * An offline run's progress over its stages: what each modality has stored (`done`, the resume point) and
 * what it has analysed (`seen`, for the progress bar), turned into at most one progress event per `everyMs`
 * with a percentage, a frame rate for the running stage and an estimate of the time left.
 */
export class RunProgressTracker {
  private readonly done = new Map<string, number>();
  private readonly seen = new Map<string, number>();
  private readonly frames = new Map<string, number>();
  private readonly startedAt = performance.now();
  private readonly startMin: number;
  private lastEmit = 0;
  private current: string;
  private stageStartedAt = this.startedAt;

  constructor(
    private readonly modalities: readonly string[],
    stored: Record<string, number | null>,
    private readonly durationMs: number | null,
    private readonly everyMs: number,
    private readonly emit: (p: Running) => void,
  ) {
    for (const m of modalities) {
      this.done.set(m, stored[m] ?? 0);
      this.seen.set(m, stored[m] ?? 0);
      this.frames.set(m, 0);
    }
    this.startMin = this.minSeen();
    this.current = modalities[0];
  }

  /** Media time a modality's stored results cover. */
  doneOf(modality: string): number {
    return this.done.get(modality) ?? 0;
  }

  /** Media time every modality has stored up to (the run's overall progress). */
  minDone(): number {
    return Math.min(...this.modalities.map((m) => this.doneOf(m)));
  }

  private minSeen(): number {
    return Math.min(...this.modalities.map((m) => this.seen.get(m) ?? 0));
  }

  /** A stage starts: rates are measured from now. */
  begin(modality: string): void {
    this.current = modality;
    this.stageStartedAt = performance.now();
  }

  /** A commit stored a modality's results up to doneMs. */
  stored(modality: string, doneMs: number): void {
    this.done.set(modality, Math.max(this.doneOf(modality), doneMs));
    this.seen.set(modality, Math.max(this.seen.get(modality) ?? 0, doneMs));
  }

  analysed(modality: string, p: StageProgress): void {
    this.frames.set(modality, p.frames);
    this.seen.set(modality, Math.max(this.seen.get(modality) ?? 0, p.doneMs));
    this.report();
  }

  report(force = false): void {
    const now = performance.now();
    if (!force && now - this.lastEmit < this.everyMs) return;
    this.lastEmit = now;
    const elapsed = (now - this.startedAt) / 1000;
    const m = this.minSeen();
    const mediaRate = elapsed > 0 ? (m - this.startMin) / elapsed : 0; // media ms per wall second
    const stageElapsed = (now - this.stageStartedAt) / 1000;
    const frames = this.frames.get(this.current) ?? 0;
    const d = this.durationMs;
    this.emit({
      status: 'running',
      percent: d ? Math.min(100, (100 * m) / d) : 0,
      framesPerSec: stageElapsed > 0 && frames > 0 ? frames / stageElapsed : null,
      etaMs: d && mediaRate > 0 ? Math.max(0, ((d - m) / mediaRate) * 1000) : null,
      stage: this.current,
      error: null,
    });
  }
}
