import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { addParticipant, createSession, expect, test, waitForPreview } from './fixtures/app.js';
import { TEST_OPERATOR } from './fixtures/governance.js';
import { REPO_ROOT } from './fixtures/paths.js';

/**
 * Data governance in the app (issue 17): consent stops Capture, deletion from the UI really deletes, the Audit
 * view shows who did what, the de-identified export has pseudonyms where codes and ids were, and a capture can
 * keep nothing but its analysis results.
 */

/** Files under the data folder whose bytes contain `text` (db, -wal, -shm, session and export folders). */
function filesContaining(dir: string, text: string): string[] {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.isFile() ? [path.join(d, e.name)] : []));
  return walk(dir).filter((f) => readFileSync(f).includes(Buffer.from(text)));
}

test('Capture refuses to record what the participant has not consented to, and says what is missing', async ({ openApp }) => {
  const page = await openApp();
  await addParticipant(page, 'P-NOVIDEO', ['research use of exported data']);
  await expect(page.locator('[data-participant="P-NOVIDEO"] [data-testid="consent-summary"]')).toHaveText('Consent: research use of exported data');
  await createSession(page, { participant: 'P-NOVIDEO', protocol: 'Consent check' });
  await waitForPreviewOrBlocked(page);
  await expect(page.getByTestId('consent-block')).toHaveText(
    'Cannot record this way: participant P-NOVIDEO has no consent for video recording and audio recording.',
  );
  await expect(page.getByRole('button', { name: 'Start recording' })).toBeDisabled();
  for (const option of ['Video and audio', 'Audio only (no video)', 'Results only (no video, no audio)']) await expect(page.getByRole('radio', { name: option })).toBeDisabled();
  // The R shortcut does not get around it either.
  await page.keyboard.press('r');
  await expect(page.getByRole('button', { name: 'Stop recording' })).toHaveCount(0);

  // Consent updated in Sessions (a new version): Capture may now record audio, not video.
  await page.getByRole('button', { name: 'Sessions' }).click();
  await page.getByRole('button', { name: 'Consent of P-NOVIDEO' }).click();
  const dialog = page.getByRole('dialog', { name: 'Consent of P-NOVIDEO' });
  await dialog.getByRole('checkbox', { name: 'audio recording' }).check();
  await dialog.getByRole('button', { name: 'Record consent' }).click();
  await expect(dialog.getByRole('table', { name: 'Consent history' }).getByRole('row')).toHaveCount(3);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: /^Record session/ }).click();
  await waitForPreview(page);
  await expect(page.getByRole('radio', { name: 'Audio only (no video)' })).toBeChecked();
  await expect(page.getByRole('radio', { name: 'Video and audio' })).toBeDisabled();
  await expect(page.getByTestId('consent-block')).toHaveCount(0);
});

/** Capture opens the camera either way; the block message appears once the participant's consent is loaded. */
async function waitForPreviewOrBlocked(page: import('@playwright/test').Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Capture' })).toBeVisible();
  await expect.poll(() => page.getByLabel('Camera preview').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
}

test('deletes a session and a participant from the UI, leaves no trace of them, and the Audit view shows it by id', async ({ openApp, server }) => {
  const page = await openApp();
  await addParticipant(page, 'P-GONE-42');
  await addParticipant(page, 'P-STAYS');
  const first = await createSession(page, { participant: 'P-GONE-42', protocol: 'Intake', note: 'mentions her employer Globex' });
  await page.getByRole('button', { name: 'Sessions' }).click();
  const second = await createSession(page, { participant: 'P-GONE-42', protocol: 'Follow-up' });
  await page.getByRole('button', { name: 'Sessions' }).click();

  // One session: the confirmation names what goes.
  await page.getByRole('button', { name: `Delete session ${second} (P-GONE-42, Follow-up)` }).click();
  const confirmSession = page.getByRole('dialog', { name: `Delete session ${second} (P-GONE-42, Follow-up)` });
  await expect(confirmSession.getByTestId('deletion-preview')).toContainText('1 session with their notes');
  await confirmSession.getByRole('button', { name: 'Delete for good' }).click();
  await expect(page.locator(`tr[data-session-id="${second}"]`)).toHaveCount(0);
  await expect(page.locator(`tr[data-session-id="${first}"]`)).toBeVisible();

  // The participant: the code must be typed.
  await page.getByRole('button', { name: 'Delete participant P-GONE-42' }).click();
  const confirmParticipant = page.getByRole('dialog', { name: 'Delete participant P-GONE-42' });
  await expect(confirmParticipant.getByTestId('deletion-preview')).toContainText('the participant P-GONE-42 and 1 consent record');
  await expect(confirmParticipant.getByTestId('deletion-preview')).toContainText('1 session with their notes');
  const go = confirmParticipant.getByRole('button', { name: 'Delete for good' });
  await expect(go).toBeDisabled();
  await confirmParticipant.getByLabel(/Type the participant's code/).fill('P-GONE-42');
  await go.click();
  await expect(page.locator('[data-participant="P-GONE-42"]')).toHaveCount(0);
  await expect(page.locator(`tr[data-session-id="${first}"]`)).toHaveCount(0);
  await expect(page.locator('[data-participant="P-STAYS"]')).toBeVisible();
  // Nowhere in the data folder, with the app still running (database, WAL and shared memory all there).
  expect(filesContaining(server.dataDir, 'P-GONE-42')).toEqual([]);
  expect(filesContaining(server.dataDir, 'Globex')).toEqual([]);

  // The Audit view: the deletion, by whom, of which id; filters; the chain verifies.
  await page.getByRole('button', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Audit entries' });
  const deletion = table.locator('tr[data-action="participant.delete"]');
  await expect(deletion).toHaveCount(1);
  await expect(deletion).toContainText(TEST_OPERATOR);
  await expect(deletion).toContainText('Deleted a participant and all of their data');
  await expect(deletion).toContainText('(deleted)');
  await expect(table).not.toContainText('P-GONE-42');
  await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Deleted a session' });
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await expect(table.locator('tbody tr')).toHaveAttribute('data-action', 'session.delete');
  await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Any' });
  await page.getByLabel('Participant', { exact: true }).selectOption({ label: 'P-STAYS' });
  await expect(table.locator('tbody tr[data-action="participant.create"]')).toHaveCount(1);
  await expect(table.locator('tbody tr[data-action="participant.delete"]')).toHaveCount(0);
  await page.getByRole('button', { name: 'Verify integrity' }).click();
  await expect(page.getByTestId('audit-verified')).toContainText('The audit trail is intact');
});

test('exports a de-identified CSV from Review: pseudonyms instead of codes and ids, no file names or dates', async ({ openApp, server, tmpDir }) => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'e2e', 'fixtures', 'seed-review.ts'), server.dataDir, '3000'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const { sessionId } = JSON.parse(out.trim().split('\n').pop()!) as { sessionId: number };
  const page = await openApp(`#/review/${sessionId}`);
  const panel = page.getByRole('region', { name: 'Analysis' });
  await expect(panel.getByRole('table', { name: 'Analysis runs' })).toBeVisible();
  const folder = path.join(tmpDir, 'deidentified-export');
  await panel.getByLabel('Export folder').fill(folder);
  await panel.getByRole('checkbox', { name: 'De-identify (for sharing)' }).check();
  await panel.getByRole('button', { name: /^Export run/ }).first().click();
  await expect(panel.getByTestId('export-result')).toContainText(folder);
  const files = readdirSync(folder);
  const summaryFile = files.find((f) => f.endsWith('_summary.csv'))!;
  expect(summaryFile).toMatch(/^anon-[A-Z2-9]{8}_s1_summary\.csv$/);
  const summary = parse(readFileSync(path.join(folder, summaryFile), 'utf8'), { columns: true }) as Record<string, string>[];
  expect(Object.keys(summary[0]).slice(0, 5)).toEqual(['session_id', 'participant', 'protocol', 'run_id', 'run_status']);
  expect(summary[0]).toMatchObject({ session_id: '1', run_id: '', run_started_at: '', media_file: '' });
  expect(summary[0].participant).toMatch(/^anon-[A-Z2-9]{8}$/);
  const timeline = parse(readFileSync(path.join(folder, files.find((f) => f.endsWith('_timeline.csv'))!), 'utf8'), { columns: true }) as Record<string, string>[];
  expect(new Set(timeline.map((r) => `${r.session_id}/${r.run_id}`))).toEqual(new Set(['1/']));
  for (const f of files) expect(readFileSync(path.join(folder, f), 'utf8')).not.toContain('P-REVIEW');
});

test('a results-only capture writes no media file, and Review shows its timeline without a player', async ({ openApp, server }) => {
  const page = await openApp();
  await addParticipant(page, 'P-RESULTS', ['automated analysis']);
  const sessionId = await createSession(page, { participant: 'P-RESULTS', protocol: 'No video' });
  await waitForPreview(page);
  await expect(page.getByRole('radio', { name: 'Results only (no video, no audio)' })).toBeChecked();
  await page.getByRole('button', { name: 'Start recording' }).click();
  await expect(page.getByRole('button', { name: 'Stop recording' })).toBeVisible();
  // Stored results arrive while recording; no byte of media is written.
  await expect.poll(async () => Number((await page.getByTestId('face-stats').getAttribute('data-analysed')) ?? 0), { timeout: 30_000 }).toBeGreaterThan(10);
  expect(existsSync(server.sessionDir(sessionId))).toBe(false);
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await expect(page.getByText(/Analysis results saved: .*no video or audio was kept/)).toBeVisible({ timeout: 30_000 });
  expect(existsSync(server.sessionDir(sessionId))).toBe(false);

  await page.getByRole('button', { name: 'Review recording' }).click();
  await expect(page.getByTestId('results-only')).toBeVisible();
  await expect(page.getByTestId('review-workspace')).toContainText('This session has no recording to play');
  await expect(page.getByTestId('review-video')).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Analysis runs' })).toContainText('live');
});
