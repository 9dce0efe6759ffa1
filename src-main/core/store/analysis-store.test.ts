import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_PARAMS } from '../../../src-shared/analysis.js';
import { EMOTIONS } from '../../../src-shared/emotions.js';
import type { FusedRow } from '../analysis/timeline.js';
import { tempDir } from '../test-support/make-media.js';
import { AnalysisRunsRepo } from './analysis-runs-repo.js';
import { openDatabase } from './database.js';
import { EpisodesRepo } from './episodes-repo.js';
import { FaceObsRepo } from './face-obs-repo.js';
import { FusedRepo, rowFaceState, rowProbs } from './fused-repo.js';
import { ParticipantsRepo } from './participants-repo.js';
import { SessionsRepo } from './sessions-repo.js';

function setup() {
  const db = openDatabase(path.join(tempDir(), 'affect-studio.sqlite'));
  const p = new ParticipantsRepo(db).create('P1');
  const s = new SessionsRepo(db).create({ participantId: p.id, protocol: 'x', operatorId: null, note: '' });
  const runs = new AnalysisRunsRepo(db);
  const newRun = () => runs.create({ sessionId: s.id, mediaFileId: null, mode: 'offline', params: DEFAULT_ANALYSIS_PARAMS, softwareVersion: '1', mediaDurationMs: 1000 });
  return { db, sessionId: s.id, runs, newRun, fused: new FusedRepo(db), episodes: new EpisodesRepo(db) };
}

const row = (tMs: number, estimate: boolean): FusedRow => ({
  tMs,
  probs: estimate ? Float64Array.from(EMOTIONS.map((_, i) => (i === 1 ? 0.7 : 0.05))) : null,
  dominant: estimate ? 'happy' : null,
  valence: estimate ? 0.5 : null,
  arousal: estimate ? 0.3 : null,
  faceWeight: estimate ? 0.6 : 0,
  voiceWeight: estimate ? 0.4 : 0,
  faceState: estimate ? 'reliable' : 'unreliable',
  speech: estimate ? true : null,
  faceRef: 7,
  voiceRef: estimate ? 500 : null,
});

describe('analysis store', () => {
  it('stores fused rows, keeps "no estimate" as NULL and reads them back in order across pages', () => {
    const { newRun, fused } = setup();
    const run = newRun();
    fused.insert(run.id, [0, 100, 200, 300, 400, 500, 600].map((t) => row(t, t !== 300)));
    const back = [...fused.iterate(run.id, { pageSize: 3 })];
    expect(back.map((r) => r.t_ms)).toEqual([0, 100, 200, 300, 400, 500, 600]);
    expect(rowProbs(back[3])).toBeNull();
    expect(back[3]).toMatchObject({ dominant: null, valence: null, face_weight: 0, speech: null, face_obs_id: 7, voice_t_ms: null });
    expect(rowFaceState(back[3])).toBe('unreliable');
    expect(rowProbs(back[0])![1]).toBeCloseTo(0.7, 12);
    expect(back[0]).toMatchObject({ dominant: 'happy', speech: 1, face_state: 2, voice_t_ms: 500 });
    expect([...fused.iterate(run.id, { fromMs: 200, toMs: 400 })].map((r) => r.t_ms)).toEqual([200, 300, 400]);
  });

  it('deleting a run removes its observations, fused rows and episodes, and nothing of other runs', () => {
    const { db, runs, newRun, fused, episodes } = setup();
    const [a, b] = [newRun(), newRun()];
    for (const r of [a, b]) {
      fused.insert(r.id, [row(0, true)]);
      episodes.replace(r.id, [{ emotion: 'happy', startMs: 0, endMs: 3000, durationMs: 3000, meanProbability: 0.7, peakProbability: 0.8 }]);
      new FaceObsRepo(db).insertFrames(r.id, [{ tMs: 0, width: 10, height: 10, faces: [] }]);
    }
    runs.delete(a.id);
    const count = (table: string, id: number) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`).get(id) as { n: number }).n;
    for (const t of ['fused', 'episode', 'face_frame']) {
      expect(count(t, a.id)).toBe(0);
      expect(count(t, b.id)).toBe(1);
    }
    expect(runs.get(b.id)).toMatchObject({ fusedRows: 1, episodeCount: 1 });
    expect(() => runs.get(a.id)).toThrow(/does not exist/);
  });

  it('knows the newest complete run, keeps earlier runs, and records progress per modality', () => {
    const { runs, newRun, sessionId } = setup();
    const first = newRun();
    runs.finish(first.id, 'complete');
    const second = newRun();
    runs.setProgress(second.id, { modality: { name: 'face', doneMs: 400 }, progressMs: 0 });
    runs.setProgress(second.id, { modality: { name: 'voice', doneMs: 250 }, progressMs: 250 });
    expect(runs.progress(second.id)).toEqual({ progressMs: 250, modalities: { face: 400, voice: 250 } });
    expect(runs.latestComplete(sessionId)?.id).toBe(first.id);
    runs.finish(second.id, 'complete');
    expect(runs.latestComplete(sessionId)?.id).toBe(second.id);
    expect(runs.listForSession(sessionId).map((r) => r.id)).toEqual([second.id, first.id]);
  });
});
