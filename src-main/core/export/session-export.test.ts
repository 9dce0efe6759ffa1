import { EMOTIONS } from '../../../src-shared/emotions.js';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppCore, createCore } from '../app-core.js';
import { LabelsRepo } from '../store/labels-repo.js';
import { operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';
import { seedReviewSession } from '../test-support/seed-review.js';

let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

describe('session export', () => {
  it('writes timeline, summary and the labels of the session, naming its run', async () => {
    core = await createCore({ dataDir: tempDir() });
    const seeded = await seedReviewSession(core.services.db, core.services.dataDir, { video: false, durationMs: 10_000 });
    const labels = new LabelsRepo(core.services.db);
    const tier = labels.addTier(seeded.sessionId, 'Rater A');
    labels.applyInTransaction(tier.id, {
      remove: [],
      add: [
        { id: 'a1', startMs: 1000, endMs: 2500, label: 'happy', note: '=cmd|\' /C calc\'!A0' },
        { id: 'a2', startMs: 4000, endMs: 6000, label: 'sad', note: '' },
      ],
    });
    const out = tempDir();
    const r = await core.handle('export.sessions', { sessionIds: [seeded.sessionId], outDir: out }, operatorCtx(core));
    expect(r.ok).toBe(true);
    const files = readdirSync(out).sort();
    expect(files.some((f) => f.endsWith('_timeline.csv'))).toBe(true);
    expect(files.some((f) => f.endsWith('_summary.csv'))).toBe(true);
    const labelsFile = files.find((f) => f.endsWith('_labels.csv'));
    expect(labelsFile).toBeDefined();
    const rows = parse(readFileSync(path.join(out, labelsFile!), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => x.label)).toEqual(['happy', 'sad']);
    // The formula in the note comes out inert.
    expect(rows[0].note.startsWith("'=")).toBe(true);
    const timeline = parse(readFileSync(path.join(out, files.find((f) => f.endsWith('_timeline.csv'))!), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(new Set(timeline.map((x) => x.run_id))).toEqual(new Set([String(seeded.runId)]));
  });

  it('adds the framing shares of the recording to the summaries, empty where none were measured', async () => {
    core = await createCore({ dataDir: tempDir() });
    const framed = await seedReviewSession(core.services.db, core.services.dataDir, { video: false, durationMs: 10_000, participantCode: 'P-FRAMED' });
    const plain = await seedReviewSession(core.services.db, core.services.dataDir, { video: false, durationMs: 10_000, participantCode: 'P-PLAIN' });
    const totals = { totalMs: 8000, failedMs: { present: 0, size: 2000, centring: 0, brightness: 4000, contrast: 0, sharpness: 800 } };
    expect((await core.handle('framing.report', { sessionId: framed.sessionId, totals }, { clientId: 't' })).ok).toBe(true);
    const out = tempDir();
    expect((await core.handle('export.sessions', { sessionIds: [framed.sessionId, plain.sessionId], outDir: out }, operatorCtx(core))).ok).toBe(true);
    const read = (f: string) => parse(readFileSync(path.join(out, f), 'utf8'), { columns: true }) as Record<string, string>[];
    const summary = read(readdirSync(out).find((f) => f.includes('P-FRAMED') && f.endsWith('_summary.csv'))!);
    expect(summary).toHaveLength(EMOTIONS.length);
    for (const row of summary) {
      expect(Number(row.framing_judged_s)).toBe(8);
      expect(Number(row.framing_failed_present)).toBe(0);
      expect(Number(row.framing_failed_size)).toBe(0.25);
      expect(Number(row.framing_failed_brightness)).toBe(0.5);
      expect(Number(row.framing_failed_sharpness)).toBe(0.1);
    }
    // The new columns come after every older one (docs/csv.md: columns are only ever added at the end), the
    // face geometry columns after them.
    const cols = Object.keys(summary[0]);
    const framingAt = cols.indexOf('framing_judged_s');
    expect(cols.indexOf('emotion')).toBeLessThan(framingAt);
    expect(cols.indexOf('face_geometry_s')).toBe(framingAt + 7);
    expect(cols.slice(framingAt, framingAt + 7)).toEqual(['framing_judged_s', 'framing_failed_present', 'framing_failed_size', 'framing_failed_centring', 'framing_failed_brightness', 'framing_failed_contrast', 'framing_failed_sharpness']);
    const plainSummary = read(readdirSync(out).find((f) => f.includes('P-PLAIN') && f.endsWith('_summary.csv'))!);
    expect(plainSummary.every((r) => r.framing_judged_s === '' && r.framing_failed_size === '')).toBe(true);
    const combined = read('sessions_summary.csv');
    expect(combined.map((r) => [r.participant, r.framing_failed_brightness])).toEqual([
      ['P-FRAMED', '0.5'],
      ['P-PLAIN', ''],
    ]);
  });
});
