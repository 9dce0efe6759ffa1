/**
 * Where export files land: never through a planted link, never over an existing file unless asked, and
 * readable by this user only. Through the real export request on a seeded session.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppCore, createCore } from '../app-core.js';
import { operatorCtx } from '../test-support/governance.js';
import { tempDir } from '../test-support/make-media.js';
import { seedReviewSession } from '../test-support/seed-review.js';
import { formatCell, Text } from './csv.js';

let core: AppCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function seeded(): Promise<{ core: AppCore; sessionId: number; stem: string }> {
  core = await createCore({ dataDir: tempDir() });
  const s = await seedReviewSession(core.services.db, core.services.dataDir, { video: false, durationMs: 5_000 });
  const session = core.services.sessions.get(s.sessionId);
  return { core, sessionId: s.sessionId, stem: `session-${session.id}_${session.participantCode}` };
}

async function exportTo(c: AppCore, sessionId: number, outDir: string, overwrite?: boolean): Promise<string[]> {
  const r = await c.handle('export.sessions', { sessionIds: [sessionId], outDir, ...(overwrite === undefined ? {} : { overwrite }) }, operatorCtx(c));
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as { files: string[] }).files;
}

describe('export files', () => {
  it('does not follow a link planted where the export writes its temp file or its result', async () => {
    const { core: c, sessionId, stem } = await seeded();
    const out = tempDir();
    const outside = path.join(tempDir(), 'victim.txt');
    writeFileSync(outside, 'keep me');
    symlinkSync(outside, path.join(out, `${stem}_timeline.csv.part`));
    symlinkSync(outside, path.join(out, `${stem}_summary.csv`));
    const files = await exportTo(c, sessionId, out);
    expect(readFileSync(outside, 'utf8')).toBe('keep me');
    for (const f of files) {
      expect(path.dirname(f)).toBe(out);
      expect(lstatSync(f).isFile()).toBe(true);
    }
    // The planted summary link is left alone; the new summary has a free name.
    expect(files.map((f) => path.basename(f))).toContain(`${stem}_summary-2.csv`);
    // Even told to overwrite, the link itself is replaced, never written through.
    await exportTo(c, sessionId, out, true);
    expect(readFileSync(outside, 'utf8')).toBe('keep me');
    expect(lstatSync(path.join(out, `${stem}_summary.csv`)).isFile()).toBe(true);
  });

  it('keeps an existing export unless overwriting is asked for, and leaves no temp files', async () => {
    const { core: c, sessionId, stem } = await seeded();
    const out = tempDir();
    writeFileSync(path.join(out, `${stem}_timeline.csv`), 'earlier work');
    const first = await exportTo(c, sessionId, out);
    expect(readFileSync(path.join(out, `${stem}_timeline.csv`), 'utf8')).toBe('earlier work');
    expect(first.map((f) => path.basename(f))).toContain(`${stem}_timeline-2.csv`);
    const second = await exportTo(c, sessionId, out);
    expect(second.map((f) => path.basename(f))).toContain(`${stem}_timeline-3.csv`);
    const replaced = await exportTo(c, sessionId, out, true);
    expect(replaced.map((f) => path.basename(f))).toContain(`${stem}_timeline.csv`);
    expect(readFileSync(path.join(out, `${stem}_timeline.csv`), 'utf8')).toMatch(/^session_id,/);
    expect(readdirSync(out).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')('writes files readable by this user only', async () => {
    const { core: c, sessionId } = await seeded();
    const files = await exportTo(c, sessionId, path.join(tempDir(), 'new-folder'));
    for (const f of files) expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(existsSync(files[0])).toBe(true);
  });
});

describe('CSV cells for semicolon locales', () => {
  it('quotes a cell holding a semicolon, so a spreadsheet splitting on ; sees one cell and no formula', () => {
    expect(formatCell(new Text('a;=3+3'))).toBe('"a;=3+3"');
    expect(formatCell('x;y')).toBe('"x;y"');
    expect(formatCell(new Text('plain'))).toBe('plain');
  });
});
