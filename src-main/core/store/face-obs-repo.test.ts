import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FrameFaces } from '../../../src-shared/contract/face.js';
import { tempDir } from '../test-support/make-media.js';
import { openDatabase } from './database.js';
import { FaceObsRepo } from './face-obs-repo.js';

function setup() {
  const db = openDatabase(path.join(tempDir(), 'data.sqlite'));
  db.prepare("INSERT INTO participant (code, created_at) VALUES ('P01', '2026-01-01T00:00:00Z')").run();
  db.prepare("INSERT INTO session (participant_id, protocol, operator, created_at) VALUES (1, 'screening', 'op', '2026-01-01T00:00:00Z')").run();
  const run = db
    .prepare("INSERT INTO analysis_run (session_id, mode, software_version, started_at) VALUES (1, 'offline', '0.1.0', '2026-01-01T00:00:00Z')")
    .run();
  return { db, runId: Number(run.lastInsertRowid) };
}

const face = (trackId: number, participant: boolean, reliable: boolean, happy: number): FrameFaces['faces'][number] => ({
  trackId,
  participant,
  box: { x: 64, y: 48, w: 128, h: 96 },
  quality: { detScore: 0.9, sizePx: 128, rollDeg: -3, sharpness: reliable ? 400 : 40, reliable, reasons: reliable ? [] : ['sharpness'] },
  // Track 2's model gives contempt, track 1's does not (a seven-class model: no value, never 0).
  probs: [1 - happy, happy, 0, 0, 0, 0, 0, trackId === 2 ? 0 : null],
  dominant: happy > 0.5 ? 'happy' : 'neutral',
});

describe('FaceObsRepo', () => {
  it('stores frames with and without faces and reads them back in canonical order with coverage', () => {
    const { db, runId } = setup();
    const repo = new FaceObsRepo(db);
    const frames: FrameFaces[] = [
      { tMs: 0, width: 640, height: 480, faces: [face(1, true, true, 0.2), face(2, false, true, 0.9)] },
      { tMs: 100, width: 640, height: 480, faces: [] },
      { tMs: 200, width: 640, height: 480, faces: [face(1, true, false, 0.7)] },
    ];
    expect(repo.insertFrames(runId, frames)).toBe(3);
    const rows = repo.list(runId);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ tMs: 0, trackId: 1, participant: true, reliable: true, box: { x: 0.1, y: 0.1, w: 0.2, h: 0.2 } });
    expect(rows[0].probs).toEqual([0.8, 0.2, 0, 0, 0, 0, 0, null]);
    expect(rows[1].probs[7]).toBe(0);
    expect(rows[2]).toMatchObject({ tMs: 200, reliable: false, reasons: ['sharpness'] });
    expect(repo.list(runId, { participantOnly: true }).map((r) => r.tMs)).toEqual([0, 200]);
    expect(repo.list(runId, { fromMs: 100 }).map((r) => r.tMs)).toEqual([200]);
    expect(repo.coverage(runId)).toEqual({ frames: 3, framesWithFace: 2, framesReliable: 1 });
    // Columns are named for the canonical order, so an export can select them by name.
    expect(db.prepare('SELECT p_neutral, p_happy, p_contempt FROM face_obs WHERE track_id = 2').get()).toEqual({ p_neutral: 0.09999999999999998, p_happy: 0.9, p_contempt: 0 });
    expect(db.prepare('SELECT p_contempt FROM face_obs WHERE track_id = 1').all()).toEqual([{ p_contempt: null }, { p_contempt: null }]);
    db.close();
  });

  it('writes a batch all-or-nothing', () => {
    const { db, runId } = setup();
    const repo = new FaceObsRepo(db);
    const bad = { ...face(1, true, true, 0.5), probs: [1, 0] };
    expect(() => repo.insertFrames(runId, [{ tMs: 0, width: 640, height: 480, faces: [face(1, true, true, 0.5)] }, { tMs: 100, width: 640, height: 480, faces: [bad] }])).toThrow(
      /probabilities/,
    );
    expect(repo.coverage(runId).frames).toBe(0);
    expect(repo.list(runId)).toEqual([]);
    db.close();
  });

  it('refuses rows for a run that does not exist and removes rows with their run', () => {
    const { db, runId } = setup();
    const repo = new FaceObsRepo(db);
    expect(() => repo.insertFrames(runId + 1, [{ tMs: 0, width: 640, height: 480, faces: [] }])).toThrow(/FOREIGN KEY/);
    repo.insertFrames(runId, [{ tMs: 0, width: 640, height: 480, faces: [face(1, true, true, 0.5)] }]);
    db.prepare('DELETE FROM analysis_run WHERE id = ?').run(runId);
    expect(repo.list(runId)).toEqual([]);
    expect(repo.coverage(runId).frames).toBe(0);
    db.close();
  });
});
