/**
 * Live analysis of a session being captured: downscaled camera frames and 16 kHz microphone blocks from the
 * renderer go through the same face and voice pipelines as offline analysis. Results always go back (so the
 * overlay works during the preview); they are stored as a 'live' analysis run only while the session is
 * recording, and that run is fused into the session's timeline when the recording ends.
 */
import { analysisParamsSchema, storedAnalysisParamsSchema, type RunModel } from '../../../src-shared/analysis.js';
import type { FrameFaces, LiveFrame } from '../../../src-shared/contract/face.js';
import type { Session } from '../../../src-shared/domain.js';
import type { EventBus } from '../event-bus.js';
import { FaceAnalyzer } from '../inference/face/face-analyzer.js';
import type { FaceTracker } from '../inference/face/face-tracker.js';
import type { InferenceService } from '../inference/inference-service.js';
import { getModel } from '../inference/manifest.js';
import type { RecordingManager } from '../recording/recording-manager.js';
import type { AnalysisRunsRepo } from '../store/analysis-runs-repo.js';
import type { Db } from '../store/database.js';
import type { EpisodesRepo } from '../store/episodes-repo.js';
import { FaceObsRepo } from '../store/face-obs-repo.js';
import type { FusedRepo } from '../store/fused-repo.js';
import type { SessionsRepo } from '../store/sessions-repo.js';
import { VoiceObsRepo } from '../store/voice-obs-repo.js';
import { fuseRun } from './fuse-run.js';
import { lastObservationMs } from './observation-source.js';
import { VoiceAnalyzer } from './voice/voice-analyzer.js';
import type { VoiceStream } from './voice/voice-stream.js';

export interface LiveAnalysisDeps {
  db: Db;
  version: string;
  sessions: SessionsRepo;
  recordings: RecordingManager;
  runs: AnalysisRunsRepo;
  fused: FusedRepo;
  episodes: EpisodesRepo;
  events: EventBus;
  inference: () => Promise<InferenceService>;
}

interface LiveState {
  tracker: FaceTracker | null;
  voice: VoiceStream | null;
  nextVoiceSeq: number;
  runId: number | null;
  /** Serialises voice blocks of one session: the stream's VAD state must see them in order. */
  voiceQueue: Promise<unknown>;
}

export class LiveAnalysis {
  private face: Promise<FaceAnalyzer> | null = null;
  private voice: Promise<VoiceAnalyzer> | null = null;
  private readonly live = new Map<number, LiveState>();
  private readonly faceObs: FaceObsRepo;
  private readonly voiceObs: VoiceObsRepo;
  private readonly unsubscribe: () => void;

  constructor(private readonly d: LiveAnalysisDeps) {
    this.faceObs = new FaceObsRepo(d.db);
    this.voiceObs = new VoiceObsRepo(d.db);
    this.unsubscribe = d.events.subscribe((name, payload) => {
      if (name === 'session.changed') this.sessionChanged(payload as Session);
    });
  }

  private state(sessionId: number): LiveState {
    let st = this.live.get(sessionId);
    if (!st) {
      st = { tracker: null, voice: null, nextVoiceSeq: 0, runId: null, voiceQueue: Promise.resolve() };
      this.live.set(sessionId, st);
    }
    return st;
  }

  private faceAnalyzer(): Promise<FaceAnalyzer> {
    this.face ??= this.d.inference().then((svc) => FaceAnalyzer.create(svc));
    this.face.catch(() => (this.face = null));
    return this.face;
  }

  private voiceAnalyzer(): Promise<VoiceAnalyzer> {
    this.voice ??= this.d.inference().then(async (svc) => {
      const va = VoiceAnalyzer.create({ runner: svc, manifest: svc.manifest });
      await svc.load(va.vadEntry.id);
      if (va.emotionEntry) await svc.load(va.emotionEntry.id);
      return va;
    });
    this.voice.catch(() => (this.voice = null));
    return this.voice;
  }

  /**
   * The live run of a recording session, created with its first stored observation; null (store nothing) when
   * the session is not recording or the data are not on the recording's clock.
   */
  private async runFor(sessionId: number, st: LiveState, recordingClock: boolean): Promise<number | null> {
    if (!recordingClock || !this.d.recordings.isRecording(sessionId)) return null;
    if (st.runId !== null) return st.runId;
    const svc = await this.d.inference();
    // Both modalities' models are loaded first, so the run names every model that can write into it.
    const ids: string[] = [];
    const notes: string[] = [];
    try {
      const fa = await this.faceAnalyzer();
      ids.push(fa.modelRefs.detector.id, fa.modelRefs.emotion.id);
    } catch (e) {
      notes.push(`face analysis unavailable: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      const va = await this.voiceAnalyzer();
      ids.push(va.vadEntry.id, ...(va.emotionEntry ? [va.emotionEntry.id] : []));
    } catch (e) {
      notes.push(`voice analysis unavailable: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (st.runId !== null) return st.runId;
    const run = this.d.runs.create({
      sessionId,
      mediaFileId: null,
      mode: 'live',
      params: analysisParamsSchema.parse({}),
      softwareVersion: this.d.version,
      mediaDurationMs: null,
    });
    const report = svc.providerReport().filter((r) => ids.includes(r.id));
    const models: RunModel[] = ids.map((id) => {
      const e = getModel(svc.manifest, id);
      return { id: e.id, task: e.task, file: e.file, sha256: e.sha256 };
    });
    const fallbacks = report.filter((r) => r.fallbackReason).map((r) => `${r.id}: ${r.fallbackReason}`);
    this.d.runs.setModels(run.id, {
      provider: [...new Set(report.map((r) => r.provider))].join('+') || null,
      providerDetail: [...fallbacks, ...notes].join('; ') || null,
      models,
    });
    st.runId = run.id;
    return run.id;
  }

  async analyzeFrames(sessionId: number, frames: LiveFrame[], recordingClock = false): Promise<{ results: FrameFaces[]; processingMs: number }> {
    const started = performance.now();
    this.d.sessions.get(sessionId);
    const analyzer = await this.faceAnalyzer();
    const st = this.state(sessionId);
    st.tracker ??= analyzer.newTracker();
    const results = await analyzer.analyzeFrames(frames, st.tracker);
    const runId = await this.runFor(sessionId, st, recordingClock);
    if (runId !== null) this.faceObs.insertFrames(runId, results);
    return { results, processingMs: performance.now() - started };
  }

  /** Pushes one block; finished windows are stored (while recording) and pushed as voice.window events. */
  voiceBlock(sessionId: number, seq: number, tStartMs: number, pcm: Float32Array, recordingClock = false): Promise<{ windows: number }> {
    this.d.sessions.get(sessionId);
    const st = this.state(sessionId);
    const task = st.voiceQueue.then(async () => {
      const analyzer = await this.voiceAnalyzer();
      // seq 0 (a new time base, e.g. recording started) or a gap: a fresh stream, so windows stay on the clock.
      if (seq === 0 || seq !== st.nextVoiceSeq || !st.voice) st.voice = analyzer.createStream({ t0Ms: tStartMs, batch: 1 });
      st.nextVoiceSeq = seq + 1;
      const windows = await st.voice.push(pcm);
      const runId = await this.runFor(sessionId, st, recordingClock);
      if (runId !== null && windows.length) this.voiceObs.insert(runId, windows);
      for (const result of windows) this.d.events.emit('voice.window', { sessionId, result });
      return { windows: windows.length };
    });
    st.voiceQueue = task.catch(() => undefined);
    return task;
  }

  /** When a recording ends (stopped or recovered) its live run is closed and fused onto the 10 Hz grid. */
  private sessionChanged(session: Session): void {
    const st = this.live.get(session.id);
    if (!st || st.runId === null || session.status === 'recording') return;
    const runId = st.runId;
    this.live.delete(session.id);
    try {
      const run = this.d.runs.get(runId);
      const params = storedAnalysisParamsSchema.parse(run.params ?? {});
      const extent = session.durationMs ?? lastObservationMs(this.d.db, runId);
      if (extent !== null) fuseRun({ db: this.d.db, fused: this.d.fused, episodes: this.d.episodes }, runId, extent, params);
      this.d.runs.setProgress(runId, { progressMs: extent ?? 0 });
      this.d.runs.finish(runId, session.status === 'completed' ? 'complete' : 'incomplete', session.status === 'completed' ? null : session.statusDetail);
    } catch (e) {
      this.d.runs.finish(runId, 'failed', e instanceof Error ? e.message : String(e));
    }
  }

  close(): void {
    this.unsubscribe();
    this.live.clear();
  }
}
