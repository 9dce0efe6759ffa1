import { addParticipant, createSession, expect, loadedDuration, test, waitForPreview } from './fixtures/app.js';
import { probe } from './fixtures/probe.js';
import { decryptedCopy } from './fixtures/stored-data.js';

test('closing the window mid-recording keeps what was written: the session is recovered and its file plays', async ({ openApp, server, tmpDir }) => {
  const page = await openApp();
  await addParticipant(page, 'P-0100');
  const sessionId = await createSession(page, { participant: 'P-0100', protocol: 'Stress task' });
  await waitForPreview(page);

  // Start with the keyboard shortcut.
  await page.keyboard.press('r');
  await expect(page.getByRole('button', { name: 'Stop recording' })).toBeVisible();
  // Wait until a few one-second chunks are on disk, then close the window without stopping.
  await expect(page.locator('.record-box')).toContainText(/\((?:[3-9]|\d{2,}) chunks\)/);
  await page.close();

  const again = await openApp();
  const row = again.locator(`tr[data-session-id="${sessionId}"]`);
  await expect(row.locator('[data-status]')).toHaveText('Recovered', { timeout: 30_000 });
  await expect(row).toContainText('closed or reloaded while recording');

  const probed = await probe(await decryptedCopy(server.dataDir, sessionId, 'recording.webm', tmpDir));
  expect(probed.streams.filter((s) => s.type === 'video')).toHaveLength(1);
  expect(probed.streams.filter((s) => s.type === 'audio')).toHaveLength(1);
  expect(probed.durationS).toBeGreaterThan(1);

  await row.getByRole('button', { name: /^Review session/ }).click();
  await expect(again.getByRole('heading', { name: 'Review' })).toBeVisible();
  await expect(again.getByRole('note')).toContainText('closed or reloaded while recording');
  expect(await loadedDuration(again, 'Session recording')).toBeGreaterThan(1);
  await again.keyboard.press('Space');
  await expect.poll(() => again.getByLabel('Session recording').evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0.3);
});

test('the application dies mid-recording: recording stops and says so, and the next start recovers a playable file', async ({ openApp, server, tmpDir }) => {
  const page = await openApp();
  await addParticipant(page, 'P-0200');
  const sessionId = await createSession(page, { participant: 'P-0200', protocol: 'Stress task' });
  await waitForPreview(page);
  await page.getByRole('button', { name: 'Start recording' }).click();
  await expect(page.locator('.record-box')).toContainText(/\((?:[3-9]|\d{2,}) chunks\)/);

  await server.crash();
  // The next chunk cannot be written: the recording stops and the clinician is told, not left recording into nothing.
  await expect(page.getByRole('alert').filter({ hasText: 'Writing the recording failed' })).toContainText('Recording has stopped');
  await expect(page.getByRole('button', { name: 'Stop recording' })).toHaveCount(0);
  await expect(page.getByText('could not be reached to finish this recording')).toBeVisible();
  await page.close();

  await server.restart();
  const again = await openApp();
  const row = again.locator(`tr[data-session-id="${sessionId}"]`);
  await expect(row.locator('[data-status]')).toHaveText('Recovered');
  await expect(row).toContainText('stopped while recording');
  const probed = await probe(await decryptedCopy(server.dataDir, sessionId, 'recording.webm', tmpDir));
  expect(probed.streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);
  expect(probed.durationS).toBeGreaterThan(1);
});
