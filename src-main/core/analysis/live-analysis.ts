/**
 * Live analysis of a session being captured: downscaled camera frames and 16 kHz microphone blocks from the
 * renderer go through the same stages as offline analysis (every registered modality of that source, each
 * with a live stream of its own per session). Results always go back (so the overlay works during the
 * preview); they are stored as a 'live' analysis run only while the session is recording, and that run is
 * fused into the session's timeline when the recording ends.
 */
import { DEFAULT_ANALYSIS_PARAMS } from '../../../src-shared/analysis.js';
import type { FrameFaces, LiveFrame } from '../../../src-shared/contract/face.js';
import type { VoiceWindowResult } from '../../../src-shared/contract/voice.js';
import type { Session } from '../../../src-shared/domain.js';
import type { EventBus } from '../event-bus.js';
import type { InferenceService } from '../inference/inference-service.js';
import type { RecordingManager } from '../recording/recording-manager.js';
import type { Db } from '../store/database.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { faceModality } from './face/face-modality.js';
import { MODALITIES, type Stages } from './modalities.js';
import { modelUse, type RunRecorder } from './run-recorder.js';
import type { LiveStream, MediaSource, ModalityDefinition, SourceInput, Timed } from './stage.js';
import { voiceModality } from './voice/voice-modality.js';

export interface LiveAnalysisDeps {
  db: Db;
  sessions: SessionsRepo;
  recordings: RecordingManager;
  recorder: RunRecorder;
  stages: Stages;
  events: EventBus;
  inference: () => Promise<InferenceService>;
}

interface LiveStreamState {
  stream: LiveStream<unknown, Timed>;
  store: (runId: number, batch: readonly Timed[]) => void;
  /** Serialises one stream's inputs: its state (tracks, voice activity) must see them in order. */
  queue: Promise<unknown>;
}

interface LiveState {
  streams: Map<string, LiveStreamState>;
  runId: number | null;
}

/** Results of one live input, per modality. */
export type LiveResults = ReadonlyMap<string, readonly Timed[]>;

/** A modality's results, typed by its definition. */
export function resultsOf<S extends MediaSource, R extends Timed>(results: LiveResults, m: ModalityDefinition<S, R>): R[] {
  return [...((results.get(m.name) ?? []) as readonly R[])];
}

export class LiveAnalysis {
  private readonly live = new Map<number, LiveState>();
  private readonly unsubscribe: () => void;

  constructor(private readonly d: LiveAnalysisDeps) {
    this.unsubscribe = d.events.subscribe((name, payload) => {
      if (name === 'session.changed') this.sessionChanged(payload as Session);
    });
  }

  private state(sessionId: number): LiveState {
    let st = this.live.get(sessionId);
    if (!st) {
      st = { streams: new Map(), runId: null };
      this.live.set(sessionId, st);
    }
    return st;
  }

  /**
   * The live run of a recording session, created with its first stored observation; null (store nothing) when
   * the session is not recording or the data are not on the recording's clock.
   */
  private async runFor(sessionId: number, st: LiveState, recordingClock: boolean): Promise<number | null> {
    if (!recordingClock || !this.d.recordings.isRecording(sessionId)) return null;
    if (st.runId !== null) return st.runId;
    const svc = await this.d.inference();
    // Every modality's models are loaded first, so the run names every model that can write into it.
    const available = await this.d.stages.available(new Set<MediaSource>(['video', 'audio']));
    if (st.runId !== null) return st.runId;
    const run = this.d.recorder.open({ sessionId, mediaFileId: null, mode: 'live', params: DEFAULT_ANALYSIS_PARAMS, mediaDurationMs: null });
    this.d.recorder.recordModels(run.id, modelUse(svc, available.stages, available.notes));
    st.runId = run.id;
    return run.id;
  }

  /** One live input through every modality of its source; results are stored while recording. */
  async push<S extends MediaSource>(sessionId: number, source: S, input: SourceInput[S], recordingClock = false): Promise<LiveResults> {
    this.d.sessions.get(sessionId);
    const st = this.state(sessionId);
    const out = new Map<string, readonly Timed[]>();
    for (const m of MODALITIES.filter((x) => x.source === source)) {
      const stage = await this.d.stages.get(m);
      let s = st.streams.get(m.name);
      if (!s) {
        // Live runs are made with the default settings (runFor): mesh on, its points not kept.
        s = { stream: stage.open() as LiveStream<unknown, Timed>, store: m.writer(this.d.db, DEFAULT_ANALYSIS_PARAMS), queue: Promise.resolve() };
        st.streams.set(m.name, s);
      }
      const stream = s;
      const task = stream.queue.then(async () => {
        const results = await stream.stream.push(input);
        const runId = await this.runFor(sessionId, st, recordingClock);
        if (runId !== null && results.length) stream.store(runId, results);
        return results;
      });
      stream.queue = task.catch(() => undefined);
      out.set(m.name, await task);
    }
    return out;
  }

  async analyzeFrames(sessionId: number, frames: readonly LiveFrame[], recordingClock = false): Promise<{ results: FrameFaces[]; processingMs: number }> {
    const started = performance.now();
    const results = resultsOf(await this.push(sessionId, 'video', frames, recordingClock), faceModality);
    return { results, processingMs: performance.now() - started };
  }

  /** Pushes one block; finished windows are stored (while recording) and pushed as voice.window events. */
  async voiceBlock(sessionId: number, seq: number, tStartMs: number, pcm: Float32Array, recordingClock = false): Promise<{ windows: number }> {
    const windows: VoiceWindowResult[] = resultsOf(await this.push(sessionId, 'audio', { seq, tStartMs, pcm }, recordingClock), voiceModality);
    for (const result of windows) this.d.events.emit('voice.window', { sessionId, result });
    return { windows: windows.length };
  }

  /** When a recording ends (stopped or recovered) its live run is fused onto the 10 Hz grid and closed. */
  private sessionChanged(session: Session): void {
    const st = this.live.get(session.id);
    if (!st || st.runId === null || session.status === 'recording') return;
    const runId = st.runId;
    this.live.delete(session.id);
    const { recorder } = this.d;
    try {
      const fused = recorder.fuse(runId, session.durationMs);
      recorder.runs.setProgress(runId, { progressMs: fused?.extentMs ?? 0 });
      const completed = session.status === 'completed';
      recorder.close(runId, completed ? 'complete' : 'incomplete', completed ? null : session.statusDetail);
    } catch (e) {
      recorder.close(runId, 'failed', e instanceof Error ? e.message : String(e));
    }
  }

  close(): void {
    this.unsubscribe();
    this.live.clear();
  }
}
