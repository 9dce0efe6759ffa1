import { parse } from 'csv-parse/sync';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSegment } from '../../../src-shared/labels/segments.js';
import { type AppCore, createCore } from '../app-core.js';
import { runCli } from '../cli.js';
import { LABELS_CSV_COLUMNS } from '../labels/labels-csv.js';
import { operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';
import { seedReviewSession } from '../test-support/seed-review.js';
import { KEY_FILE_COLUMNS } from './deidentify.js';
import { SUMMARY_COLUMNS, TIMELINE_COLUMNS } from './session-export.js';

const csv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];

let core: AppCore;
let dataDir: string;
let sessionIds: number[];
const RUN_STARTS: string[] = [];

beforeAll(async () => {
  dataDir = tempDir();
  core = await createCore({ dataDir });
  const ctx = operatorCtx(core, 'Dr Named Person');
  const a = await seedReviewSession(core.services.db, dataDir, { participantCode: 'P-REAL-01', durationMs: 2000, video: true });
  const b = await seedReviewSession(core.services.db, dataDir, { participantCode: 'P-REAL-01', durationMs: 2000 });
  const c = await seedReviewSession(core.services.db, dataDir, { participantCode: 'P-REAL-02', durationMs: 2000 });
  sessionIds = [a.sessionId, b.sessionId, c.sessionId];
  for (const s of [a, b, c]) RUN_STARTS.push(core.services.analysis.runs.get(s.runId).startedAt);
  const tier = await core.handle('labels.addTier', { sessionId: a.sessionId, rater: 'Rater Jones' }, ctx);
  if (!tier.ok) throw new Error(tier.error.message);
  const t = tier.value as { id: number };
  const r = await core.handle('labels.apply', { tierId: t.id, action: 'create', changeset: createSegment([], { inMs: 0, outMs: 400 }, 'happy', () => 's1', 'said her name is Jo') }, ctx);
  if (!r.ok) throw new Error(r.error.message);
  await core.close();
});

afterAll(async () => {
  await core.close();
});

function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  return runCli([...args, '--data-dir', dataDir, '--operator', 'Dr Named Person'], { out: (l) => out.push(l), err: (l) => err.push(l) }).then((code) => ({ code, out, err }));
}

describe('de-identified export', () => {
  it('replaces codes and ids with per-export pseudonyms and drops notes, names, file names and dates', async () => {
    const out = tempDir();
    const keyFile = path.join(tempDir(), 'key.csv');
    const r = await run(['export', ...sessionIds.map(String), '--out', out, '--deidentify', '--key-file', keyFile]);
    expect(r.code, r.err.join('\n')).toBe(0);
    const files = readdirSync(out).sort();
    // File names carry the pseudonym and the session's number in this export, nothing else.
    expect(files.filter((f) => f.endsWith('_timeline.csv')).map((f) => f.replace(/anon-[A-Z2-9]{8}/, 'anon')).sort()).toEqual(['anon_s1_timeline.csv', 'anon_s2_timeline.csv', 'anon_s3_timeline.csv']);
    for (const f of files) {
      const text = readFileSync(path.join(out, f), 'utf8');
      for (const secret of ['P-REAL', 'Rater Jones', 'Dr Named', 'said her name', 'recording.webm', ...RUN_STARTS.map((s) => s.slice(0, 10))]) expect(text, `${f}: ${secret}`).not.toContain(secret);
    }
    const combined = csv(path.join(out, 'sessions_summary.csv'));
    expect(combined.map((x) => x.session_id)).toEqual(['1', '2', '3']);
    // Two sessions of one participant share a pseudonym; the other participant has another.
    expect(combined[0].participant).toMatch(/^anon-[A-Z2-9]{8}$/);
    expect(combined[1].participant).toBe(combined[0].participant);
    expect(combined[2].participant).not.toBe(combined[0].participant);
    for (const row of combined) expect(row).toMatchObject({ run_id: '', media_file: '', run_started_at: '', protocol: 'Review fixture' });

    const summaryFile = files.find((f) => f.endsWith('s1_summary.csv'))!;
    const summary = csv(path.join(out, summaryFile));
    expect(Object.keys(summary[0])).toEqual([...SUMMARY_COLUMNS]);
    const timeline = csv(path.join(out, files.find((f) => f.endsWith('s1_timeline.csv'))!));
    expect(Object.keys(timeline[0])).toEqual([...TIMELINE_COLUMNS]);
    expect(new Set(timeline.map((x) => `${x.session_id}|${x.run_id}`))).toEqual(new Set(['1|']));
    expect(timeline[0].t_ms).toBe('0'); // times are from the session's start

    const labels = csv(path.join(out, files.find((f) => f.endsWith('_labels.csv'))!));
    expect(Object.keys(labels[0])).toEqual([...LABELS_CSV_COLUMNS]);
    expect(labels[0]).toMatchObject({ session_id: '1', participant: combined[0].participant, rater: 'R1', note: '', created_at: '', updated_at: '', label: 'happy' });

    // The key, only where asked, readable by this user only.
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = csv(keyFile);
    expect(Object.keys(key[0])).toEqual([...KEY_FILE_COLUMNS]);
    expect(key.map((k) => [k.session_number, k.session_id, k.participant])).toEqual([
      ['1', String(sessionIds[0]), 'P-REAL-01'],
      ['2', String(sessionIds[1]), 'P-REAL-01'],
      ['3', String(sessionIds[2]), 'P-REAL-02'],
    ]);
    expect(key[0].pseudonym).toBe(combined[0].participant);
    // A key file is never overwritten.
    const again = await run(['export', String(sessionIds[0]), '--out', tempDir(), '--deidentify', '--key-file', keyFile]);
    expect(again.code).toBe(1);
    expect(again.err.join('\n')).toMatch(/already exists/);
  });

  it('shifts dates by whole days per participant when asked, and makes new pseudonyms for every export', async () => {
    const out = tempDir();
    const keyFile = path.join(tempDir(), 'key.csv');
    expect((await run(['export', ...sessionIds.map(String), '--out', out, '--deidentify', '--shift-dates', '--key-file', keyFile])).code).toBe(0);
    const combined = csv(path.join(out, 'sessions_summary.csv'));
    const key = csv(keyFile);
    combined.forEach((row, i) => {
      const shift = Number(key[i].date_shift_days);
      expect(shift).toBeLessThanOrEqual(-1);
      expect(shift).toBeGreaterThanOrEqual(-365);
      expect(Date.parse(row.run_started_at) - Date.parse(RUN_STARTS[i])).toBe(shift * 86_400_000);
    });
    expect(key[0].date_shift_days).toBe(key[1].date_shift_days);

    const other = tempDir();
    expect((await run(['export', String(sessionIds[0]), '--out', other, '--deidentify'])).code).toBe(0);
    expect(readdirSync(other).some((f) => f.startsWith(combined[0].participant))).toBe(false);
  });
});
