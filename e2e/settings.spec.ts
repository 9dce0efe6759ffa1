import path from 'node:path';
import { expect, test } from './fixtures/app.js';

test('settings show the installation and take a new data folder for the next start', async ({ openApp, server, tmpDir }) => {
  const page = await openApp('#/settings');
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.getByTestId('data-dir')).toHaveText(server.dataDir);
  await expect(page.getByTestId('app-version')).toContainText('Affect Studio');

  await page.getByLabel('New data folder (absolute path)').fill('relative/folder');
  await page.getByRole('button', { name: 'Use at next start' }).click();
  await expect(page.getByRole('alert')).toHaveText('The data folder must be an absolute path');
  await expect(page.getByTestId('pending-data-dir')).toHaveCount(0);

  const next = path.join(tmpDir, 'next-data');
  await page.getByLabel('New data folder (absolute path)').fill(next);
  await page.getByRole('button', { name: 'Use at next start' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'from its next start' })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('pending-data-dir')).toContainText(next);
  // The folder in use does not change under a running application.
  await expect(page.getByTestId('data-dir')).toHaveText(server.dataDir);
});

test('a default camera and microphone chosen in settings are remembered', async ({ openApp }) => {
  const page = await openApp('#/settings');
  const allow = page.getByRole('button', { name: 'Allow access and list devices' });
  if (await allow.isVisible()) await allow.click();
  const camera = page.getByLabel('Default camera');
  await expect(camera.locator('option')).not.toHaveCount(1);
  const cameraOption = camera.locator('option').nth(1);
  const cameraId = await cameraOption.getAttribute('value');
  const cameraLabel = await cameraOption.textContent();
  await camera.selectOption(cameraId!);
  await expect(page.getByText('Default camera saved.')).toBeVisible();
  const mic = page.getByLabel('Default microphone');
  const micId = await mic.locator('option').nth(1).getAttribute('value');
  await mic.selectOption(micId!);
  await expect(page.getByText('Default microphone saved.')).toBeVisible();

  await page.reload();
  await expect(page.getByLabel('Default camera')).toHaveValue(cameraId!);
  await expect(page.getByLabel('Default microphone')).toHaveValue(micId!);
  await expect(page.getByLabel('Default camera').locator('option:checked')).toHaveText(cameraLabel!);
});
