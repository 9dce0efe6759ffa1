import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VoiceWindowResult } from '../../../src-shared/contract/voice.js';
import { tempDir } from '../test-support/make-media.js';
import { openDatabase } from './database.js';
import { VoiceObsRepo } from './voice-obs-repo.js';

const dir = tempDir('affect-voiceobs-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function window(tMs: number, speech: boolean): VoiceWindowResult {
  return {
    tMs,
    durMs: 2000,
    speech,
    speechProb: speech ? 0.9 : 0.05,
    speechRatio: speech ? 0.8 : 0,
    features: {
      f0MeanHz: speech ? 180 + tMs / 1000 : null,
      f0SdSemitones: speech ? 2 : null,
      f0RangeSemitones: speech ? 3 : null,
      loudnessMean: 1.5,
      loudnessSd: 0.4,
      jitterLocal: speech ? 0.015 : null,
      shimmerLocalDb: speech ? 0.9 : null,
      hnrDb: speech ? 12 : null,
      alphaRatioDb: speech ? -8 : null,
      hammarbergDb: speech ? 15 : null,
      slope0to500: speech ? 0.05 : null,
      slope500to1500: speech ? -0.01 : null,
      mfccMean: Array.from({ length: 13 }, (_, i) => i - 6),
      mfccSd: Array.from({ length: 13 }, (_, i) => i / 10),
      voicedRatio: speech ? 0.6 : 0,
      voicedSegmentsPerSec: speech ? 3.5 : 0,
    },
    emotion: speech ? { modelId: 'm', probs: [0.4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], calm: 0.25, valence: 0.1, arousal: -0.2 } : null,
    trace: null,
  };
}

describe('voice_obs (migration 005) and VoiceObsRepo', () => {
  it('stores a batch of windows in one transaction and reads them back in time order, NULLs kept as null', () => {
    const file = path.join(dir, 'data.sqlite');
    const db = openDatabase(file);
    db.prepare("INSERT INTO participant (code, created_at) VALUES ('P01', 'now')").run();
    const sessionId = db.prepare("INSERT INTO session (participant_id, protocol, operator, note, status, created_at) VALUES (1, '', '', '', 'completed', 'now')").run().lastInsertRowid;
    const runId = Number(
      db.prepare("INSERT INTO analysis_run (session_id, mode, software_version, started_at) VALUES (?, 'offline', 'test', 'now')").run(sessionId).lastInsertRowid,
    );
    const repo = new VoiceObsRepo(db);
    const batch = [window(1000, true), window(0, false), window(500, true)];
    expect(repo.insert(runId, batch)).toBe(3);
    db.close();

    const again = openDatabase(file);
    const rows = new VoiceObsRepo(again).list(runId);
    expect(rows.map((r) => r.tMs)).toEqual([0, 500, 1000]);
    expect(rows[0].speech).toBe(false);
    expect(rows[0].emotion).toBeNull();
    expect(rows[0].features?.f0MeanHz).toBeNull();
    expect(rows[0].features?.mfccSd[12]).toBeCloseTo(1.2);
    expect(rows[1].features?.f0MeanHz).toBeCloseTo(180.5);
    expect(rows[1].emotion?.probs[0]).toBeCloseTo(0.4);
    expect(rows[1].emotion?.calm).toBeCloseTo(0.25);
    expect(new VoiceObsRepo(again).coverage(runId)).toEqual({ windows: 3, speechWindows: 2, estimated: 2 });
    // Deleting the run deletes its windows (ON DELETE CASCADE).
    again.prepare('DELETE FROM analysis_run WHERE id = ?').run(runId);
    expect(new VoiceObsRepo(again).list(runId)).toEqual([]);
    again.close();
  });

  it('rolls back the whole batch when one window is invalid', () => {
    const db = openDatabase(path.join(dir, 'rollback.sqlite'));
    db.prepare("INSERT INTO participant (code, created_at) VALUES ('P02', 'now')").run();
    db.prepare("INSERT INTO session (participant_id, protocol, operator, note, status, created_at) VALUES (1, '', '', '', 'completed', 'now')").run();
    db.prepare("INSERT INTO analysis_run (session_id, mode, software_version, started_at) VALUES (1, 'offline', 'test', 'now')").run();
    const repo = new VoiceObsRepo(db);
    const bad = { ...window(500, true), speechProb: null as unknown as number };
    expect(() => repo.insert(1, [window(0, true), bad])).toThrow();
    expect(repo.list(1)).toEqual([]);
    db.close();
  });
});
