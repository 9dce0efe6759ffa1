// `affect report`: a PDF per session from the command line, in the language asked for, with the same exit
// codes and result lines as the other commands.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { openDatabase } from '../store/database.js';
import { tempDir } from '../test-support/make-media.js';
import { seedReviewSession } from '../test-support/seed-review.js';

const poppler = spawnSync('pdftotext', ['-v']).error ? 'pdftotext (poppler-utils) is not installed' : null;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

let dataDir: string;
let sessionId: number;
let runId: number;
/** Every command acts as an operator profile. */
const op = ['--operator', 'Report Tester'];
beforeAll(async () => {
  dataDir = tempDir();
  // An unencrypted folder: the test reads the database directly (encrypted folders: cli/encrypted-cli.test.ts).
  expect(await runCli(['operators', 'add', 'Report Tester', '--role', 'clinician', '--data-dir', dataDir, '--no-encryption'], capture().io)).toBe(0);
  const db = openDatabase(path.join(dataDir, 'affect-studio.sqlite'));
  try {
    const s = await seedReviewSession(db, dataDir, { durationMs: 30_000, video: false, participantCode: 'P-0077' });
    sessionId = s.sessionId;
    runId = s.runId;
  } finally {
    db.close();
  }
});

describe('affect report', () => {
  it('writes <session>_report.pdf in Chinese that pdftotext reads, owner-only', async (ctx) => {
    if (poppler) return ctx.skip(poppler);
    const outDir = tempDir();
    const c = capture();
    expect(await runCli(['report', String(sessionId), '--out', outDir, '--lang', 'zh-CN', '--data-dir', dataDir, ...op], c.io), c.err.join('\n')).toBe(0);
    const file = path.join(outDir, `session-${sessionId}_P-0077_report.pdf`);
    expect(c.out).toEqual([['ok', sessionId, runId, file].join('\t')]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${file}.part`)).toBe(false);
    const text = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('P-0077');
    expect(text).toContain('会话报告');
    expect(text).toContain('发作');
    expect(text).toContain('80.0%');
  });

  it('reports a session it cannot report as failed (exit 1) and refuses bad arguments (exit 2)', async () => {
    const outDir = tempDir();
    const c = capture();
    expect(await runCli(['report', '999', '--out', outDir, '--data-dir', dataDir, ...op], c.io)).toBe(1);
    expect(c.out[0]).toMatch(/^failed\t999\t\t\t/);
    for (const args of [['report', '1', '--out', outDir, '--lang', 'fr'], ['report', '--out', outDir], ['report', '1'], ['report', '1', '2', '--run', '3', '--out', outDir]]) {
      const u = capture();
      expect(await runCli(args, u.io), args.join(' ')).toBe(2);
      expect(u.err.join('\n')).toMatch(/Exit codes:/);
    }
  });
});
