import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/app.js';
import { REPO_ROOT } from './fixtures/paths.js';

/**
 * The Report view and "Save as PDF" in Chromium (browser mode), in English and Simplified Chinese, and the
 * participant's trends page with its CSV. The session is the Review fixture: 6 s with stored observations
 * (happy, then 2–3.6 s without a reliable estimate, then sad), so coverage is 80 % and there are two episodes.
 */

function seed(dataDir: string): { sessionId: number; runId: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'e2e', 'fixtures', 'seed-review.ts'), dataDir, '6000'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as { sessionId: number; runId: number };
}

function pdfText(file: string): string {
  const r = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout;
}

/** Clicks "Save as PDF" and returns the saved file. */
async function savePdf(page: Page, button: string, dir: string): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: button }).click();
  const d = await download;
  const file = path.join(dir, d.suggestedFilename());
  await d.saveAs(file);
  return file;
}

test('the Report view shows the session’s figures and saves them as a PDF, in English and Chinese', async ({ openApp, server, tmpDir }) => {
  test.skip(spawnSync('pdftotext', ['-v']).error !== undefined, 'pdftotext (poppler-utils) is not installed');
  const s = seed(server.dataDir);
  const page = await openApp(`#/report/${s.sessionId}`);
  await page.setViewportSize({ width: 1280, height: 900 });
  const sheet = page.getByTestId('report-sheet');
  await expect(sheet).toBeVisible();
  await expect(sheet.getByRole('heading', { name: 'Session report' })).toBeVisible();
  await expect(page.getByTestId('report-quality')).toContainText('80.0%');
  await expect(page.getByTestId('report-episodes').getByRole('row')).toHaveCount(3);
  await expect(page.getByRole('img', { name: 'Emotion timeline of the session' })).toBeVisible();
  await expect(sheet).toContainText('not a diagnosis');

  const en = await savePdf(page, 'Save as PDF', tmpDir);
  expect(path.basename(en)).toBe(`session-${s.sessionId}_P-REVIEW_report.pdf`);
  await expect(page.getByTestId('report-saved')).toContainText(path.basename(en));
  expect(readFileSync(en).subarray(0, 5).toString()).toBe('%PDF-');
  const enText = pdfText(en);
  expect(enText).toContain('P-REVIEW');
  expect(enText).toContain('Episodes');
  expect(enText).toContain('80.0%');
  await expect(sheet).toHaveScreenshot('report-en.png', { maxDiffPixelRatio: 0.02, animations: 'disabled', caret: 'hide', mask: [page.locator('[data-volatile]')] });

  // The interface (and so the report) in Chinese, chosen in Settings.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Interface and report language').selectOption('zh-CN');
  await page.getByRole('navigation', { name: '主导航' }).getByRole('button', { name: '报告' }).click();
  await expect(sheet.getByRole('heading', { name: '会话报告' })).toBeVisible();
  await expect(page.getByTestId('report-quality')).toContainText('80.0%');
  const zh = await savePdf(page, '另存为 PDF', path.join(tmpDir, 'zh'));
  const zhText = pdfText(zh);
  expect(zhText).toContain('P-REVIEW');
  expect(zhText).toContain('会话报告');
  expect(zhText).toContain('发作');
  await expect(sheet).toHaveScreenshot('report-zh-CN.png', { maxDiffPixelRatio: 0.02, animations: 'disabled', caret: 'hide', mask: [page.locator('[data-volatile]')] });
});

test('a participant’s trends page lists their sessions with figures and downloads them as CSV', async ({ openApp, server, tmpDir }) => {
  const first = seed(server.dataDir);
  const second = seed(server.dataDir);
  const page = await openApp(`#/report/${second.sessionId}`);
  await page.getByRole('button', { name: 'Participant trends' }).click();
  await expect(page.getByRole('heading', { name: 'Participant P-REVIEW' })).toBeVisible();
  const table = page.getByTestId('trends-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table.locator(`tr[data-session-id="${first.sessionId}"]`)).toContainText('80%');
  await expect(page.getByTestId('trends-chart')).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const file = path.join(tmpDir, (await download).suggestedFilename());
  await (await download).saveAs(file);
  expect(path.basename(file)).toBe('participant-P-REVIEW_trends.csv');
  const lines = readFileSync(file, 'utf8').trim().split('\r\n');
  expect(lines[0]).toMatch(/^participant,session_id,session_date,protocol,duration_s,run_id,analysed_s,coverage_face_reliable,coverage_speech,coverage_any_estimate,neutral_dominant_share,/);
  expect(lines).toHaveLength(3);
  expect(lines[1]).toMatch(new RegExp(`^P-REVIEW,${first.sessionId},`));

  // From a row to that session's report.
  await table.getByRole('button', { name: `Report of session ${first.sessionId}` }).click();
  await expect(page).toHaveURL(new RegExp(`#/report/${first.sessionId}$`));
});
