// The session report from stored analysis rows to a PDF a person (and pdftotext) can read, in English and
// Chinese: figures from the run, selectable text in embedded fonts, vector charts that render, no character
// missing from the font.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUES, type Catalogue } from '../../../src-shared/i18n/i18n.js';
import { REPORT_THRESHOLDS } from '../../../src-shared/report/report-data.js';
import { reportText } from '../../../src-shared/report/report-text.js';
import { type AppCore, createCore } from '../app-core.js';
import { LabelsRepo } from '../store/labels-repo.js';
import { tempDir } from '../test-support/make-media.js';
import { seedReviewSession, type SeededSession } from '../test-support/seed-review.js';
import { buildReportData, reportWarnings } from './report-data.js';
import { reportDeps } from './report-file.js';
import { charactersMissingFromFont, reportPdf } from './report-pdf.js';

const poppler = spawnSync('pdftotext', ['-v']).error ? 'pdftotext (poppler-utils) is not installed' : null;

/** Text of a PDF as pdftotext reads it (raw order). */
function pdfText(file: string): string {
  const r = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

function strings(c: Catalogue): string[] {
  return Object.values(c).flatMap((v) => (typeof v === 'string' ? [v] : strings(v)));
}

let core: AppCore;
let dir: string;
let seeded: SeededSession;

beforeAll(async () => {
  dir = tempDir();
  core = await createCore({ dataDir: dir, noLock: true });
  seeded = await seedReviewSession(core.services.db, dir, { durationMs: 60_000, video: false, participantCode: 'P-0042', protocol: 'Mood interview' });
});
afterAll(async () => core?.close());

describe('session report data', () => {
  it('takes the run’s coverage, episodes and frames from the stored rows', () => {
    const r = buildReportData(reportDeps(core.services), seeded.sessionId);
    expect(r.session.participantCode).toBe('P-0042');
    expect(r.run.id).toBe(seeded.runId);
    // Script: estimates in [0, 40 %) and [60 %, 100 %); speech in the first 40 %.
    expect(r.quality.coverage.anyEstimate).toBeCloseTo(0.8, 5);
    expect(r.quality.coverage.speech).toBeCloseTo(0.4, 5);
    expect(r.quality.frames).toEqual({ analysed: 1800, dropped: 0, intervalMs: expect.closeTo(33.3, 1) });
    expect(r.episodes.map((e) => [e.emotion, e.startMs, e.endMs])).toEqual([
      ['happy', 0, 24_000],
      ['sad', 36_000, 60_000],
    ]);
    expect(r.emotions.find((e) => e.emotion === 'sad')?.episodesPerHour).toBeCloseTo(60, 5);
    expect(r.quality.warnings).toEqual([]);
    expect(r.timeline.fused?.t.length).toBeGreaterThan(100);
    expect(r.labels).toBeNull();
  });

  it('warns where coverage is low, frames are missing or the run is not a complete offline one', () => {
    const base = { status: 'complete' as const, mode: 'offline' as const, hasVideo: true, hasAudio: true, frames: { analysed: 1000, dropped: 10, intervalMs: 100 } };
    const ok = { faceReliable: 0.9, facePresent: 0.95, speech: 0.3, anyEstimate: 0.9 };
    expect(reportWarnings({ ...base, coverage: ok })).toEqual([]);
    expect(reportWarnings({ ...base, coverage: { ...ok, anyEstimate: REPORT_THRESHOLDS.anyEstimate - 0.01, faceReliable: 0.2 } })).toEqual(['lowAnyEstimate', 'lowFaceReliable']);
    expect(reportWarnings({ ...base, coverage: ok, frames: { analysed: 900, dropped: 100, intervalMs: 100 } })).toEqual(['droppedFrames']);
    expect(reportWarnings({ ...base, status: 'incomplete', mode: 'live', coverage: ok })).toEqual(['runIncomplete', 'liveRun']);
  });

  it('summarises raters’ labels against the model', async () => {
    const s = await seedReviewSession(core.services.db, dir, { durationMs: 10_000, video: false, participantCode: 'P-LAB' });
    const labels = new LabelsRepo(core.services.db);
    const tier = labels.addTier(s.sessionId, 'RA-1');
    labels.applyInTransaction(tier.id, { remove: [], add: [{ id: 'a', startMs: 0, endMs: 4000, label: 'happy', note: '' }, { id: 'b', startMs: 6000, endMs: 10_000, label: 'sad', note: '' }] });
    const r = buildReportData(reportDeps(core.services), s.sessionId);
    expect(r.labels?.raters).toHaveLength(1);
    const rater = r.labels!.raters[0];
    expect(rater).toMatchObject({ rater: 'RA-1', segments: 2, labelledMs: 8000 });
    // The rater labelled exactly what the model estimated: perfect agreement where both have a value.
    expect(rater.observed).toBe(1);
    expect(rater.n).toBe(80);
  });
});

describe('session report PDF', () => {
  it('every character of both catalogues is in the embedded font', () => {
    expect(charactersMissingFromFont([...strings(CATALOGUES.en), ...strings(CATALOGUES['zh-CN'])])).toEqual([]);
    // The check can fail: a character outside the subset is reported.
    expect(charactersMissingFromFont(['𠀀 ok'])).toEqual(['𠀀']);
  });

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`in ${locale}: selectable text with the figures, embedded fonts, pages that render`, async (ctx) => {
      if (poppler) return ctx.skip(poppler);
      const data = buildReportData(reportDeps(core.services), seeded.sessionId);
      const pdf = await reportPdf(data, locale);
      expect(pdf.missingCharacters).toEqual([]);
      expect(pdf.pages).toBeGreaterThanOrEqual(1);
      expect(pdf.pages).toBeLessThanOrEqual(3);
      const file = path.join(tempDir(), `report-${locale}.pdf`);
      writeFileSync(file, pdf.bytes);
      const text = pdfText(file);
      const words = reportText(data, locale);
      expect(text).toContain('P-0042');
      expect(text).toContain('80.0%');
      expect(text).toContain(words.headings.episodes);
      expect(text.replace(/\s+/g, '')).toContain(words.statement.replace(/\s+/g, ''));
      if (locale === 'zh-CN') {
        expect(text).toContain('发作');
        expect(text).toContain('会话报告');
      } else {
        expect(text).toMatch(/Episodes/);
      }
      // Every font is embedded (no font the reader's machine must supply).
      const fonts = spawnSync('pdffonts', [file], { encoding: 'utf8' }).stdout.split('\n').slice(2).filter(Boolean);
      expect(fonts.length).toBeGreaterThan(0);
      for (const line of fonts) expect(line, line).toMatch(/\s+yes\s+yes\s+yes\s+/);
      // Page 1 renders at 200 dpi and has ink on it.
      const png = path.join(path.dirname(file), `page-${locale}`);
      expect(spawnSync('pdftoppm', ['-r', '200', '-f', '1', '-l', '1', '-png', '-singlefile', file, png]).status).toBe(0);
      expect(readFileSync(`${png}.png`).length).toBeGreaterThan(50_000);
    });
  }
});
