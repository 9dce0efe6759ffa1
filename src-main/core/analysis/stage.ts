/**
 * One shape for every modality (face, voice, and the next one): a stage loads its models once and then
 * analyses either a live stream (push, in time order, per session) or a whole media file (process), reporting
 * results in time order and its progress. The offline runner and live analysis drive every stage the same
 * way; a modality is one folder under analysis/ and one line in analysis/modalities.ts.
 */
import type { AnalysisParams } from '../../../src-shared/analysis.js';
import type { LiveFrame } from '../../../src-shared/contract/face.js';
import type { InferenceService } from '../inference/inference-service.js';
import type { Db } from '../store/database.js';

/** Which stream of a media file (and which live input) a stage analyses. */
export type MediaSource = 'video' | 'audio';

/** One block of 16 kHz mono microphone audio; a block whose seq does not follow the last one starts afresh. */
export interface AudioBlock {
  seq: number;
  /** Media-clock time of the block's first sample, ms. */
  tStartMs: number;
  pcm: Float32Array;
}

/** Live input per source: camera frames, or microphone blocks. */
export interface SourceInput {
  video: readonly LiveFrame[];
  audio: AudioBlock;
}

export interface StageProgress {
  /** Media ms analysed so far. */
  doneMs: number;
  /** The media's duration when known. */
  totalMs: number | null;
  /** Analysis frames so far (video frames; for audio, 10 ms frames), for a rate. */
  frames: number;
}

/** What processing a media file reports to, and how it is stopped. */
export interface ProcessRun<R> {
  signal?: AbortSignal;
  /** Results at or before this media time are already stored (a resumed run); the runner drops them. */
  afterMs?: number | null;
  /** Results in time order, a batch at a time. */
  onResults?(batch: R[]): void | Promise<void>;
  onProgress?(p: StageProgress): void;
}

/** One session's live stream: its own state (face tracks, voice activity), fed in time order. */
export interface LiveStream<In, R> {
  push(input: In): Promise<R[]>;
  /** Whatever the stream still holds (e.g. a voice window not yet complete). */
  finish(): Promise<R[]>;
}

/** Results carry their media time. */
export interface Timed {
  tMs: number;
}

export interface Stage<S extends MediaSource = MediaSource, R extends Timed = Timed> {
  readonly modality: string;
  readonly source: S;
  /** Manifest ids of the models the stage runs (loaded by its create), recorded with every run. */
  readonly modelIds: readonly string[];
  /** What the stage runs without (e.g. no voice emotion model installed), for the run record. */
  readonly notes: readonly string[];
  open(): LiveStream<SourceInput[S], R>;
  process(file: string, run: ProcessRun<R>): Promise<void>;
  /**
   * The stage as a run's settings ask for it, on the same loaded models (e.g. the face stage without its mesh);
   * its modelIds say what that run uses. A stage without settings of its own leaves this out.
   */
  configured?(params: AnalysisParams): Stage<S, R>;
}

/** The manifest id chosen for a model task, or undefined for the task's default. */
export type ModelChoice = (task: string) => string | undefined;

/** A modality as the app registers it: how to make its stage and where its results are stored. */
export interface ModalityDefinition<S extends MediaSource = MediaSource, R extends Timed = Timed> {
  readonly name: string;
  readonly source: S;
  /**
   * Loads the stage's models on the process's inference service: for each of its tasks the model `choose`
   * names (an analysis's chosen models), else the task's default.
   */
  create(svc: InferenceService, choose: ModelChoice): Promise<Stage<S, R>>;
  /** Stores a batch of results of a run (made with `params`) in one transaction. */
  writer(db: Db, params: AnalysisParams): (runId: number, batch: readonly R[]) => void;
  /**
   * Results per store transaction in an offline run (also committed at least once a second): larger batches
   * store faster, smaller ones lose less on a crash (scripts/bench/store-export.ts).
   */
  readonly storeEvery: number;
}
