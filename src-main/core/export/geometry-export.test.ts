import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { AU_NAMES } from '../../../src-shared/face-geometry.js';
import { type AppCore, createCore } from '../app-core.js';
import { operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';
import { seedReviewSession } from '../test-support/seed-review.js';

let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

const csv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];

describe('face geometry in the CSV export', () => {
  it('puts pose, eyes and AUs on face rows, counts every blink in the timeline as the summary does, and summarises the session', async () => {
    core = await createCore({ dataDir: tempDir() });
    const { db, analysis } = core.services;
    // 12 s at 30 fps with face geometry; a blink ends every 2 s on frames 31, 91, … (between the 10 Hz grid's frames).
    const seeded = await seedReviewSession(db, core.services.dataDir, { video: false, durationMs: 12_000, geometry: true });
    analysis.recorder.fuse(seeded.runId, 12_000);
    const out = tempDir();
    const r = await core.handle('export.sessions', { sessionIds: [seeded.sessionId], outDir: out }, operatorCtx(core));
    expect(r.ok).toBe(true);
    const files = readdirSync(out);
    const timeline = csv(path.join(out, files.find((f) => f.endsWith('_timeline.csv'))!));
    const summary = csv(path.join(out, files.find((f) => f.endsWith('_summary.csv'))!));
    const face = timeline.filter((x) => x.face_present === '1');
    expect(face.length).toBeGreaterThan(50);
    for (const x of face) {
      expect(Number(x.head_pitch_deg)).toBe(-5);
      expect(Number(x.eye_open_left)).toBeCloseTo(0.3, 6);
      for (const a of AU_NAMES) expect(x[a]).not.toBe('');
    }
    // Happy first, sad last (the seed's script): the smile and the depressor follow.
    expect(Number(face[0].au06_12)).toBeCloseTo(0.8, 6);
    expect(Number(face[face.length - 1].au15)).toBeCloseTo(0.6, 6);
    const blinks = timeline.filter((x) => x.blink === '1').map((x) => Number(x.t_ms));
    expect(blinks).toEqual([1000, 3000, 5000, 7000, 9000, 11000]);
    expect(summary[0].blink_count).toBe('6');
    // Six blinks in the 11.97 s between the first and last frame.
    expect(Number(summary[0].blink_rate_per_min)).toBeCloseTo((6 * 60) / 11.967, 1);
    expect(Number(summary[0].head_yaw_range_deg)).toBeGreaterThan(30);
    expect(Number(summary[0].mean_au43)).toBe(0);
    // Without the landmark option there are no landmark columns.
    expect(Object.keys(timeline[0])).not.toContain('lm_x_000');
  });
});

describe('landmarks and de-identification', () => {
  it('refuses landmark columns in a de-identified export, and writes nothing', async () => {
    core = await createCore({ dataDir: tempDir() });
    const seeded = await seedReviewSession(core.services.db, core.services.dataDir, { video: false, durationMs: 3000, geometry: true });
    const out = tempDir();
    const r = await core.handle('export.sessions', { sessionIds: [seeded.sessionId], outDir: out, landmarks: true, deidentify: { dates: 'drop' } }, operatorCtx(core));
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).toMatch(/de-identified export/);
    expect(readdirSync(out)).toEqual([]);
  });
});
