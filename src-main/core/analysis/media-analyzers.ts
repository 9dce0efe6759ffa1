/**
 * The real face and voice analyzers as stages of an offline run, on the shared inference service. Each stage
 * stores its observations batch by batch together with its progress mark. On a resumed run the analyzers
 * decode from the start of the file (they have no seek, and the voice activity detector carries state from
 * the start anyway) and results up to the stored progress are dropped rather than stored twice.
 */
import type { RunModel } from '../../../src-shared/analysis.js';
import { FaceAnalyzer } from '../inference/face/face-analyzer.js';
import type { InferenceService } from '../inference/inference-service.js';
import { getModel, type Manifest } from '../inference/manifest.js';
import { VoiceAnalyzer } from './voice/voice-analyzer.js';
import { FRAME_HOP, SAMPLE_RATE } from './voice/params.js';
import type { Db } from '../store/database.js';
import { FaceObsRepo } from '../store/face-obs-repo.js';
import { VoiceObsRepo } from '../store/voice-obs-repo.js';
import type { FrameFaces } from '../../../src-shared/contract/face.js';
import type { VoiceWindowResult } from '../../../src-shared/contract/voice.js';
import type { AnalyzerFactory, AnalyzerSet, ModalityStage, StageContext } from './analysis-runner.js';

function runModel(manifest: Manifest, id: string): RunModel {
  const e = getModel(manifest, id);
  return { id: e.id, task: e.task, file: e.file, sha256: e.sha256 };
}

/**
 * Gathers an analyzer's small batches (8 frames) into larger transactions: one commit per ~8 s of video or
 * per second of work, whichever comes first. Measured (scripts/bench/store-export.ts): 8-frame transactions
 * store face rows 4–5× slower than 240-frame ones. A crash loses at most the last second of work.
 */
class Committer<T extends { tMs: number }> {
  private pending: T[] = [];
  private last = performance.now();

  constructor(
    private readonly ctx: StageContext,
    private readonly store: (items: T[]) => void,
    private readonly maxItems: number,
  ) {}

  add(items: readonly T[]): void {
    const after = this.ctx.afterMs;
    for (const it of items) if (after === null || it.tMs > after) this.pending.push(it);
    if (this.pending.length >= this.maxItems || performance.now() - this.last >= 1000) this.flush();
  }

  flush(): void {
    this.last = performance.now();
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    this.ctx.commit(() => this.store(batch), batch[batch.length - 1].tMs);
  }
}

function faceStage(analyzer: FaceAnalyzer, repo: FaceObsRepo, keepLandmarks: boolean): ModalityStage {
  return {
    modality: 'face',
    async run(file, ctx) {
      const c = new Committer<FrameFaces>(ctx, (b) => repo.insertFrames(ctx.runId, b, { landmarks: keepLandmarks }), 240);
      await analyzer.analyzeMediaFile(file, {
        signal: ctx.signal,
        onResults: (results) => c.add(results),
        onProgress: (p) => ctx.onProgress({ doneMs: p.doneMs, frames: p.frames }),
      });
      c.flush();
    },
  };
}

function voiceStage(analyzer: VoiceAnalyzer, repo: VoiceObsRepo): ModalityStage {
  return {
    modality: 'voice',
    async run(file, ctx) {
      const c = new Committer<VoiceWindowResult>(ctx, (b) => repo.insert(ctx.runId, b), 64);
      await analyzer.analyzeMediaFile(file, {
        signal: ctx.signal,
        collect: false,
        onWindows: (windows) => c.add(windows),
        // Audio "frames" are the 10 ms analysis frames, so an audio-only clip still reports a rate.
        onProgress: (doneMs) => ctx.onProgress({ doneMs, frames: Math.floor((doneMs * SAMPLE_RATE) / 1000 / FRAME_HOP) }),
      });
      c.flush();
    },
  };
}

/**
 * Analyzers over the process's inference service. A modality whose models are not installed is left out
 * (its observations are then simply absent, and fusion runs on the other one); `notes` says why.
 */
export function mediaAnalyzers(db: Db, inference: () => Promise<InferenceService>): AnalyzerFactory {
  // One analyzer per mesh setting (with the mesh, and whether observations carry its points).
  const faces = new Map<string, Promise<FaceAnalyzer>>();
  return async (need) => {
    const svc = await inference();
    const models: RunModel[] = [];
    const notes: string[] = [];
    const set: AnalyzerSet = { face: null, voice: null, models, provider: null, providerDetail: null };
    if (need.video) {
      const mesh = need.geometry?.mesh ?? true;
      const keep = mesh && (need.geometry?.keepLandmarks ?? false);
      const key = `${mesh}:${keep}`;
      try {
        if (!faces.has(key)) faces.set(key, FaceAnalyzer.create(svc, { mesh: mesh ? undefined : false, landmarks: keep }));
        const fa = await faces.get(key)!;
        models.push(runModel(svc.manifest, fa.modelRefs.detector.id), runModel(svc.manifest, fa.modelRefs.emotion.id));
        if (fa.modelRefs.landmarks) models.push(runModel(svc.manifest, fa.modelRefs.landmarks.id));
        set.face = faceStage(fa, new FaceObsRepo(db), keep);
      } catch (e) {
        faces.delete(key);
        notes.push(`face analysis unavailable: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (need.audio) {
      let va: VoiceAnalyzer;
      try {
        va = VoiceAnalyzer.create({ runner: svc, manifest: svc.manifest });
      } catch (e) {
        // Without an emotion model the voice still gives speech and features, but no probabilities.
        notes.push(`voice emotion unavailable: ${e instanceof Error ? e.message : String(e)}`);
        va = VoiceAnalyzer.create({ runner: svc, manifest: svc.manifest, emotionModelId: null });
      }
      await svc.load(va.vadEntry.id);
      models.push(runModel(svc.manifest, va.vadEntry.id));
      if (va.emotionEntry) {
        await svc.load(va.emotionEntry.id);
        models.push(runModel(svc.manifest, va.emotionEntry.id));
      }
      set.voice = voiceStage(va, new VoiceObsRepo(db));
    }
    const used = new Set(models.map((m) => m.id));
    const report = svc.providerReport().filter((r) => used.has(r.id));
    set.provider = [...new Set(report.map((r) => r.provider))].join('+') || null;
    const fallbacks = report.filter((r) => r.fallbackReason).map((r) => `${r.id}: ${r.fallbackReason}`);
    set.providerDetail = [...fallbacks, ...notes].join('; ') || null;
    return set;
  };
}
