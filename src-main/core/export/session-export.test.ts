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
});
