import { addParticipant, createSession, expect, loadedDuration, playheadMs, test, waitForPreview } from './fixtures/app.js';
import { probe } from './fixtures/probe.js';
import { decryptedCopy } from './fixtures/stored-data.js';
import { TONE_DBFS } from './fixtures/test-media.js';

const RECORD_MS = 5000;

test('records 5 s from the camera and microphone into one WebM with one video and one audio stream', async ({ openApp, server, tmpDir }) => {
  const page = await openApp();
  await addParticipant(page, 'P-0001');
  const sessionId = await createSession(page, { participant: 'P-0001', protocol: 'Baseline interview', note: 'e2e recording' });

  await waitForPreview(page);
  // The meter hears the fake microphone's tone (about -21 dBFS), not silence.
  await expect
    .poll(async () => Number((await page.getByTestId('level-db').textContent())?.replace('−', '-').replace(' dB', '')))
    .toBeGreaterThan(TONE_DBFS - 10);
  expect(Number((await page.getByTestId('level-db').textContent())?.replace('−', '-').replace(' dB', ''))).toBeLessThan(TONE_DBFS + 10);

  // 5 s from pressing Start to pressing Stop, however long the app took to show that it is recording.
  const pressedStart = Date.now();
  await page.getByRole('button', { name: 'Start recording' }).click();
  const stop = page.getByRole('button', { name: 'Stop recording' });
  await expect(stop).toBeVisible();
  await page.waitForTimeout(Math.max(0, RECORD_MS - 1500 - (Date.now() - pressedStart)));
  // Chunks were streamed to disk while recording, not held until the end.
  await expect(page.getByTestId('bytes-written')).not.toHaveText('0 B');
  await page.waitForTimeout(Math.max(0, RECORD_MS - (Date.now() - pressedStart)));
  await stop.click();
  await expect(page.getByText(/Recording saved: /)).toBeVisible({ timeout: 30_000 });

  // The stored file is encrypted: checked as a decrypted copy outside the data folder.
  const file = await decryptedCopy(server.dataDir, sessionId, 'recording.webm', tmpDir);
  const probed = await probe(file);
  console.log(`recorded ${probed.durationS.toFixed(3)} s: ${probed.streams.map((s) => `${s.type}/${s.codec}`).join(', ')}`);
  expect(probed.streams.filter((s) => s.type === 'video')).toHaveLength(1);
  expect(probed.streams.filter((s) => s.type === 'audio')).toHaveLength(1);
  expect(['vp8', 'vp9']).toContain(probed.streams.find((s) => s.type === 'video')!.codec);
  expect(probed.streams.find((s) => s.type === 'audio')!.codec).toBe('opus');
  expect(probed.durationS).toBeGreaterThanOrEqual(4.5);
  expect(probed.durationS).toBeLessThanOrEqual(5.5);

  // The sessions list shows the session as completed with that duration.
  await page.getByRole('button', { name: 'Back to sessions' }).click();
  const row = page.locator(`tr[data-session-id="${sessionId}"]`);
  await expect(row).toContainText('P-0001');
  await expect(row).toContainText('Baseline interview');
  await expect(row.locator('[data-status]')).toHaveText('Completed');
  const rounded = Math.round(probed.durationS);
  await expect(row.locator('[data-col="duration"]')).toHaveText(`00:${String(rounded).padStart(2, '0')}`);
  const listedSeconds = Number((await row.locator('[data-col="duration"]').getAttribute('title'))?.replace(' s', ''));
  expect(Math.abs(listedSeconds - probed.durationS)).toBeLessThan(0.05);

  // Open it and play it back: Review loads the file and Space starts playback.
  await row.getByRole('button', { name: /^Review session/ }).click();
  await expect(page.getByRole('heading', { name: 'Review' })).toBeVisible();
  await expect(page.getByText('Baseline interview')).toBeVisible();
  const duration = await loadedDuration(page, 'Session recording');
  expect(Math.abs(duration - probed.durationS)).toBeLessThan(0.5);
  await page.keyboard.press('Space');
  await expect.poll(() => page.getByLabel('Session recording').evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0.3);
  await page.keyboard.press('Space');
  await expect.poll(() => page.getByLabel('Session recording').evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
  // Shift+→ steps one second from the frame on screen. Measured on the playhead, not on currentTime: a loaded
  // machine can pause with currentTime up to ~0.1 s behind the frame last shown.
  const before = await playheadMs(page);
  await page.keyboard.press('Shift+ArrowRight');
  await expect.poll(() => playheadMs(page).then((ms) => ms / 1000)).toBeCloseTo(Math.min(before / 1000 + 1, duration), 1);

  // The note is editable and survives a reload.
  await page.getByLabel('Session note').fill('Participant calm throughout.');
  await page.getByRole('button', { name: 'Save note' }).click();
  await expect(page.getByText('Note saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Session note')).toHaveValue('Participant calm throughout.');
});
