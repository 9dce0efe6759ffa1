import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AnalysisProgress, DEFAULT_ANALYSIS_PARAMS } from '../../../src-shared/analysis.js';
import type { FrameFaces } from '../../../src-shared/contract/face.js';
import type { VoiceWindowResult } from '../../../src-shared/contract/voice.js';
import { EMOTIONS, type Emotion } from '../../../src-shared/emotions.js';
import { EventBus } from '../event-bus.js';
import { exportSessions } from '../export/session-export.js';
import { sessionFolder } from '../recording/session-folder.js';
import { openDatabase, type Db } from '../store/database.js';
import { ParticipantsRepo } from '../store/participants-repo.js';
import { SessionsRepo } from '../store/sessions-repo.js';
import { runFfmpeg } from '../media/ffmpeg.js';
import { governanceServices } from '../test-support/governance.js';
import { makeWebm, tempDir } from '../test-support/make-media.js';
import { runSummary } from './run-summary.js';
import type { CoreServices } from '../core-services.js';
import { analysisHandlers } from '../handlers/analysis.js';
import { ClearMediaStore } from '../crypto/media-store.js';
import { dispatch, type Handlers } from '../rpc/dispatch.js';
import type { RunnableStage, StageFactory } from './analysis-runner.js';
import { modality } from './modalities.js';
import type { ModalityDefinition, Stage } from './stage.js';
import { type AnalysisServices, createAnalysisServices } from './analysis-services.js';

const one = (e: Emotion, p = 0.9): number[] => EMOTIONS.map((x) => (x === e ? p : (1 - p) / 6));

/** Face script: happy, reliable face for 0–2.5 s, no face after. Frames every 1/30 s. */
function frameAt(i: number): FrameFaces {
  const tMs = (i * 1000) / 30;
  const faces =
    tMs < 2500
      ? [
          {
            trackId: 1,
            participant: true,
            box: { x: 80, y: 60, w: 100, h: 120 },
            quality: { detScore: 0.95, sizePx: 120, rollDeg: 0, sharpness: 200, reliable: true, reasons: [] },
            probs: one('happy'),
            dominant: 'happy' as const,
          },
        ]
      : [];
  return { tMs, width: 320, height: 240, faces };
}

/** Voice script: 2 s windows every 0.5 s; speech (sad) in windows starting at 1.5 s or later. */
function windowAt(i: number): VoiceWindowResult {
  const tMs = i * 500;
  const speech = tMs >= 1500;
  return {
    tMs,
    durMs: 2000,
    speech,
    speechProb: speech ? 0.9 : 0.05,
    speechRatio: speech ? 1 : 0,
    features: null,
    emotion: speech ? { modelId: 'test', probs: one('sad'), calm: null, valence: -0.7, arousal: -0.4 } : null,
    trace: null,
  };
}

interface Control {
  /** Face stage waits here after this many batches until released (to cancel mid-run). */
  pauseAfter: number | null;
  release: (() => void) | null;
  paused: Promise<void> | null;
  afterMs: Array<number | null>;
}

/** Scripted stages in place of the model-backed ones; their results are stored by the real writers. */
function fakeStages(db: Db, ctl: Control): StageFactory {
  const face: Stage<'video', FrameFaces> = {
    modality: 'face',
    source: 'video',
    modelIds: ['face-test'],
    notes: [],
    open: () => {
      throw new Error('offline only');
    },
    async process(_file, run) {
      ctl.afterMs.push(run.afterMs ?? null);
      const frames = 120; // 4 s at 30 fps
      let batches = 0;
      for (let i = 0; i < frames; i += 10) {
        if (run.signal?.aborted) throw run.signal.reason;
        await run.onResults?.(Array.from({ length: Math.min(10, frames - i) }, (_, k) => frameAt(i + k)));
        run.onProgress?.({ doneMs: ((i + 10) * 1000) / 30, totalMs: null, frames: i + 10 });
        batches++;
        if (ctl.pauseAfter !== null && batches === ctl.pauseAfter) {
          ctl.pauseAfter = null;
          ctl.paused = new Promise<void>((r) => (ctl.release = r));
          await ctl.paused;
        }
        await new Promise((r) => setImmediate(r));
      }
    },
  };
  const voice: Stage<'audio', VoiceWindowResult> = {
    modality: 'voice',
    source: 'audio',
    modelIds: [],
    notes: [],
    open: () => {
      throw new Error('offline only');
    },
    async process(_file, run) {
      await run.onResults?.(Array.from({ length: 5 }, (_, i) => windowAt(i)));
      run.onProgress?.({ doneMs: 4000, totalMs: null, frames: 400 });
    },
  };
  // Every batch committed as it comes (the real stages gather larger ones), so a cancel lands between batches.
  const runnable = (stage: Stage, m: ModalityDefinition): RunnableStage => ({ stage, store: m.writer(db, DEFAULT_ANALYSIS_PARAMS), storeEvery: 1 });
  return async () => ({
    stages: [runnable(face, modality('face')), runnable(voice, modality('voice'))],
    use: { models: [{ id: 'face-test', task: 'face-emotion', file: 'face-test.onnx', sha256: 'a'.repeat(64) }], provider: 'cpu', providerDetail: null },
  });
}

let clip: string;
let audioClip: string;
beforeAll(async () => {
  clip = await makeWebm(path.join(tempDir(), 'clip.webm'), 4);
  audioClip = path.join(tempDir(), 'voice.mkv');
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'sine=frequency=220:sample_rate=16000:duration=4', '-c:a', 'libopus', audioClip]);
});

interface World {
  dataDir: string;
  db: Db;
  sessions: SessionsRepo;
  analysis: AnalysisServices;
  events: AnalysisProgress[];
  ctl: Control;
  sessionId: number;
}
const open: World[] = [];
afterEach(async () => {
  for (const w of open.splice(0)) {
    await w.analysis.close();
    w.db.close();
  }
});

function world(media: 'av' | 'audio' = 'av'): World {
  const dataDir = tempDir();
  const db = openDatabase(path.join(dataDir, 'affect-studio.sqlite'));
  const sessions = new SessionsRepo(db);
  const bus = new EventBus();
  const events: AnalysisProgress[] = [];
  bus.subscribe((name, payload) => {
    if (name === 'analysis.progress') events.push(payload as AnalysisProgress);
  });
  const ctl: Control = { pauseAfter: null, release: null, paused: null, afterMs: [] };
  const analysis = createAnalysisServices({
    db,
    dataDir,
    version: '9.9.9-test',
    sessions,
    events: bus,
    inference: () => Promise.reject(new Error('no models in this test')),
    offlineStages: fakeStages(db, ctl),
  });
  const p = new ParticipantsRepo(db).create('P01');
  const s = sessions.create({ participantId: p.id, protocol: "=cmd|' /C calc'!A0", operatorId: null, note: '' });
  mkdirSync(sessionFolder(dataDir, s.id), { recursive: true });
  const name = media === 'av' ? 'clip.webm' : 'voice.mkv';
  copyFileSync(media === 'av' ? clip : audioClip, path.join(sessionFolder(dataDir, s.id), name));
  sessions.addMedia({ sessionId: s.id, kind: 'import', fileName: name, mimeType: 'video/webm', bytes: 1, durationMs: 4000, hasVideo: media === 'av', hasAudio: true });
  const w = { dataDir, db, sessions, analysis, events, ctl, sessionId: s.id };
  open.push(w);
  return w;
}

describe('offline analysis run', () => {
  it('records the run, fuses stored observations on the grid, finds episodes and reports progress', async () => {
    const w = world();
    const started = w.analysis.runner.start({ sessionId: w.sessionId, params: { episodes: { minDurationMs: 2000 } } });
    expect(started.status).toBe('running');
    const run = await w.analysis.runner.whenDone(started.id);
    expect(run).toMatchObject({ status: 'complete', provider: 'cpu', softwareVersion: '9.9.9-test', mode: 'offline', error: null });
    expect(run.models[0].sha256).toHaveLength(64);
    expect((run.params as { fusion: { gridStepMs: number } }).fusion.gridStepMs).toBe(100);
    expect(run.mediaDurationMs).toBeGreaterThan(3900);
    expect(run.fusedRows).toBe(Math.ceil(run.mediaDurationMs! / 100));

    const rows = [...w.analysis.fused.iterate(run.id)];
    const at = (t: number) => rows.find((r) => r.t_ms === t)!;
    // 1.0 s: happy face only (the covering windows have no speech yet).
    expect(at(1000)).toMatchObject({ dominant: 'happy', face_weight: 1, voice_weight: 0, face_state: 2, speech: 0 });
    // 2.8 s: face gone, speech (sad): the voice alone, face dropped rather than counted as neutral.
    expect(at(2800)).toMatchObject({ face_weight: 0, voice_weight: 1, face_state: 0, speech: 1 });
    expect(at(2400).face_weight).toBeGreaterThan(0);
    expect(at(2400).voice_weight).toBeGreaterThan(0);
    const done = w.events.filter((e) => e.runId === run.id);
    expect(done[done.length - 1]).toMatchObject({ status: 'complete', percent: 100 });
    expect(done.some((e) => e.status === 'running' && e.framesPerSec !== null)).toBe(true);

    // Episodes of at least 2 s (this run's setting): the happy face from the start, until smoothing lets the
    // voice's sadness take over after the face has gone.
    expect((run.params as { episodes: { minDurationMs: number } }).episodes.minDurationMs).toBe(2000);
    const eps = w.analysis.episodes.list(run.id);
    expect(eps).toEqual([expect.objectContaining({ emotion: 'happy', startMs: 0 })]);
    expect(eps[0].endMs).toBeGreaterThan(2500);
    expect(eps[0].endMs).toBeLessThan(3200);
    expect(rows.filter((r) => r.t_ms < eps[0].endMs).every((r) => r.dominant === 'happy')).toBe(true);
  });

  it('marks a cancelled run incomplete and resumes it from its progress without storing anything twice', async () => {
    const w = world();
    w.ctl.pauseAfter = 5; // 50 frames ≈ 1.63 s stored, then wait
    const r = w.analysis.runner.start({ sessionId: w.sessionId });
    while (!w.ctl.paused) await new Promise((res) => setTimeout(res, 5));
    w.analysis.runner.cancel(r.id);
    w.ctl.release!();
    const stopped = await w.analysis.runner.whenDone(r.id);
    expect(stopped.status).toBe('incomplete');
    expect(stopped.error).toMatch(/Cancelled by the user/);
    const progress = w.analysis.runs.progress(r.id);
    expect(progress.modalities.face).toBeCloseTo((49 * 1000) / 30, 6);
    expect(stopped.fusedRows).toBe(0);

    w.analysis.runner.resume(r.id);
    const finished = await w.analysis.runner.whenDone(r.id);
    expect(finished.status).toBe('complete');
    expect(w.ctl.afterMs).toEqual([null, progress.modalities.face]);
    const frames = w.db.prepare('SELECT COUNT(*) AS n FROM face_frame WHERE run_id = ?').get(r.id) as { n: number };
    const obs = w.db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT t_ms) AS d FROM face_obs WHERE run_id = ?').get(r.id) as { n: number; d: number };
    expect(frames.n).toBe(120);
    expect(obs.n).toBe(obs.d);
    expect(obs.n).toBe(Array.from({ length: 120 }, (_, i) => frameAt(i)).filter((f) => f.faces.length).length);
  });

  it('analyses an audio-only clip with the voice alone, and says the face coverage does not apply', async () => {
    const w = world('audio');
    const run = await w.analysis.runner.whenDone(w.analysis.runner.start({ sessionId: w.sessionId }).id);
    expect(run.status).toBe('complete');
    expect(w.ctl.afterMs).toEqual([]); // the face stage never ran
    const rows = [...w.analysis.fused.iterate(run.id)];
    expect(rows.every((r) => r.face_state === 0 && r.face_weight === 0)).toBe(true);
    expect(rows.filter((r) => r.voice_weight === 1).length).toBeGreaterThan(10);
    const s = runSummary(w.analysis, run.id, { hasVideo: false, hasAudio: true });
    expect(s.coverage.faceReliable).toBeNull();
    expect(s.coverage.speech).toBeGreaterThan(0);
    expect(s.coverage.anyEstimate).toBeCloseTo(rows.filter((r) => r.p_neutral !== null).length / rows.length, 10);
  });

  it('marks runs left running by a crashed process incomplete when the data folder is opened again', () => {
    const w = world();
    const run = w.analysis.runs.create({ sessionId: w.sessionId, mediaFileId: null, mode: 'offline', params: DEFAULT_ANALYSIS_PARAMS, softwareVersion: 'x', mediaDurationMs: null });
    const again = createAnalysisServices({
      db: w.db,
      dataDir: w.dataDir,
      version: 'x',
      sessions: w.sessions,
      events: new EventBus(),
      inference: () => Promise.reject(new Error('unused')),
    });
    expect(again.runs.get(run.id)).toMatchObject({ status: 'incomplete', error: expect.stringMatching(/resume/) });
  });

  it('exports both CSVs of the run and a combined summary that a CSV parser reads back', async () => {
    const w = world();
    const run = await w.analysis.runner.whenDone(w.analysis.runner.start({ sessionId: w.sessionId }).id);
    const out = tempDir();
    const deps = { db: w.db, sessions: w.sessions, runs: w.analysis.runs, fused: w.analysis.fused, episodes: w.analysis.episodes };
    const r = await exportSessions(deps, [w.sessionId, 9999], out);
    expect(r.skipped).toEqual([{ sessionId: 9999, message: expect.stringMatching(/does not exist/), i18n: { key: 'errors.sessionNotFound', vars: { id: 9999 } } }]);
    const timeline = parse(readFileSync(r.sessions[0].timeline, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(path.basename(r.sessions[0].timeline)).toBe(`session-${w.sessionId}_P01_timeline.csv`);
    expect(timeline).toHaveLength(run.fusedRows);
    const stored = [...w.analysis.fused.iterate(run.id)];
    timeline.forEach((row, i) => {
      expect(Number(row.t_ms)).toBe(stored[i].t_ms);
      expect(Number(row.t_s)).toBeCloseTo(stored[i].t_ms / 1000, 9);
      expect(row.run_id).toBe(String(run.id));
      if (stored[i].p_happy === null) expect(row.dominant).toBe('no estimate');
      else {
        expect(Number(row.fused_p_happy)).toBeCloseTo(stored[i].p_happy!, 6);
        expect(row.dominant).toBe(stored[i].dominant);
      }
    });
    const t10 = timeline.find((x) => x.t_ms === '1000')!;
    expect(t10).toMatchObject({ face_present: '1', face_reliable: '1', face_track_id: '1', speech: '0', modalities: 'face', voice_p_sad: '' });
    expect(Number(t10.face_box_w)).toBeCloseTo(100 / 320, 6);
    const t28 = timeline.find((x) => x.t_ms === '2800')!;
    expect(t28).toMatchObject({ face_present: '0', face_track_id: '', speech: '1', modalities: 'voice' });
    expect(Number(t28.voice_p_sad)).toBeCloseTo(0.9, 6);
    // Smoothing (half-life 0.5 s) still carries some of the earlier happy face at 2.8 s; by 3.5 s sad leads.
    expect(Number(t28.fused_p_sad)).toBeGreaterThan(Number(timeline.find((x) => x.t_ms === '2500')!.fused_p_sad));
    expect(timeline.find((x) => x.t_ms === '3500')!.dominant).toBe('sad');

    const summary = parse(readFileSync(r.sessions[0].summary, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(summary.map((s) => s.emotion)).toEqual([...EMOTIONS]);
    expect(summary[0].protocol).toBe("'=cmd|' /C calc'!A0"); // inert in a spreadsheet
    expect(summary[0].models).toBe(`face-test@${'a'.repeat(64)}`);
    expect(summary[0].run_id).toBe(String(run.id));
    const shares = summary.map((s) => Number(s.dominant_share));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const faceReliable = timeline.filter((x) => x.face_reliable === '1').length / timeline.length;
    expect(Number(summary[0].coverage_face_reliable)).toBeCloseTo(faceReliable, 5);
    expect(Number(summary[0].coverage_any_estimate)).toBeCloseTo(timeline.filter((x) => x.dominant !== 'no estimate').length / timeline.length, 5);

    const combined = parse(readFileSync(r.combinedSummary!, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(combined).toHaveLength(1);
    expect(combined[0]).toMatchObject({ session_id: String(w.sessionId), run_id: String(run.id), happy_dominant_share: summary[1].dominant_share });
  });
});

describe('analysis requests over the contract', () => {
  it('lists, summarises, re-fuses, exports and deletes runs, refusing what would be unsafe', async () => {
    const w = world();
    const gov = governanceServices(w.db, w.dataDir, [w.sessions.get(w.sessionId).participantId]);
    const services = { db: w.db, dataDir: w.dataDir, sessions: w.sessions, events: new EventBus(), analysis: w.analysis, mediaStore: new ClearMediaStore(), ...gov.services } as unknown as CoreServices;
    const handlers = analysisHandlers(services) as unknown as Handlers;
    const call = (method: string, input: unknown) => dispatch(handlers, method, input, gov.ctx, () => undefined);
    const started = await call('analysis.start', { sessionId: w.sessionId, params: { fusion: { halfLifeMs: 0 } } });
    expect(started).toMatchObject({ ok: true, value: { status: 'running' } });
    const runId = (started as { value: { id: number } }).value.id;
    expect(await call('analysis.delete', { runId })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await w.analysis.runner.whenDone(runId);
    expect(await call('analysis.runs', { sessionId: w.sessionId })).toMatchObject({ ok: true, value: [{ id: runId, status: 'complete' }] });
    const summary = (await call('analysis.summary', { runId })) as { ok: true; value: { emotions: { emotion: string; dominantShare: number }[] } };
    expect(summary.value.emotions.map((e) => e.emotion)).toEqual([...EMOTIONS]);
    const before = [...w.analysis.fused.iterate(runId)];
    expect(await call('analysis.fuse', { runId })).toMatchObject({ ok: true, value: { fusedRows: before.length } });
    expect([...w.analysis.fused.iterate(runId)]).toEqual(before);
    expect(await call('analysis.start', { sessionId: w.sessionId, params: { fusion: { gridStepMs: 1 } } })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    expect(await call('export.sessions', { sessionIds: [w.sessionId], outDir: 'relative/dir' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const exp = (await call('export.sessions', { sessionIds: [w.sessionId] })) as { ok: true; value: { folder: string; files: string[] } };
    expect(exp.ok).toBe(true);
    expect(exp.value.folder.startsWith(path.join(w.dataDir, 'exports'))).toBe(true);
    expect(exp.value.files.map((f) => path.basename(f))).toEqual([`session-${w.sessionId}_P01_timeline.csv`, `session-${w.sessionId}_P01_summary.csv`]);

    expect(await call('analysis.delete', { runId })).toMatchObject({ ok: true });
    expect(await call('analysis.get', { runId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
