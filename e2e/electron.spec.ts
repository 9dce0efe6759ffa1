// The desktop app itself, end to end: the real Electron binary starts `package.json` main, and the main
// flows run in its window (create a participant, record from a fake camera and microphone, review,
// export). Where no Electron binary is installed (this project's CI and build machines cannot download
// it) the spec is skipped; README "Packaging" says how to run it on a workstation.
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addParticipant, createSession, loadedDuration, waitForPreview } from './fixtures/app.js';
import { chooseOperator } from './fixtures/governance.js';
import { REPO_ROOT } from './fixtures/paths.js';
import { probe } from './fixtures/probe.js';
import { decryptedCopy } from './fixtures/stored-data.js';
import { setUpFolder } from './fixtures/vault.js';
import { generateFakeMedia } from './fixtures/test-media.js';

/** The Electron binary: AFFECT_E2E_ELECTRON, else the one the electron package has installed (never downloaded here). */
function electronBinary(): string | null {
  if (process.env.AFFECT_E2E_ELECTRON) return existsSync(process.env.AFFECT_E2E_ELECTRON) ? process.env.AFFECT_E2E_ELECTRON : null;
  const dir = path.join(REPO_ROOT, 'node_modules', 'electron');
  const pathTxt = path.join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const bin = path.join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const binary = electronBinary();
test.skip(!binary, "Electron's binary is not installed here (node_modules/electron/dist); run on a workstation: README \"Packaging\"");

let tmp: string;
let app: ElectronApplication;

test.beforeEach(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'affect-electron-e2e-'));
  const media = await generateFakeMedia(tmp);
  app = await electron.launch({
    executablePath: binary!,
    cwd: REPO_ROOT,
    args: [
      '.',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${media.videoY4m}`,
      `--use-file-for-fake-audio-capture=${media.audioWav}`,
    ],
    // A new data folder, set up (encrypted) in the window; AFFECT_INSECURE_TEST_KDF: a cheap passphrase KDF, tests only.
    env: { ...process.env, AFFECT_DATA_DIR: path.join(tmp, 'data'), AFFECT_CONFIG_DIR: path.join(tmp, 'config'), AFFECT_INSECURE_TEST_KDF: '1' },
  });
});

test.afterEach(async () => {
  await app?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('the desktop window is isolated and serves the app from app://', async () => {
  const page = await app.firstWindow();
  await expect(page).toHaveURL(/^app:\/\/affect\//);
  // No Node in the page; the preload exposes exactly the contract's bridge.
  expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  expect(await page.evaluate(() => Object.keys((globalThis as unknown as { affect: object }).affect).sort())).toEqual(['invoke', 'onEvent']);
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
});

test('creates a participant, records from the fake camera, reviews and exports', async () => {
  const page = await app.firstWindow();
  await setUpFolder(page);
  await chooseOperator(page);
  await addParticipant(page, 'P-E001');
  const sessionId = await createSession(page, { participant: 'P-E001', protocol: 'Electron e2e' });
  await waitForPreview(page);
  await page.getByRole('button', { name: 'Start recording' }).click();
  await expect(page.getByRole('button', { name: 'Stop recording' })).toBeVisible();
  // 3 s by the app's own recording clock, however slowly a loaded machine shows it.
  await expect(page.getByTestId('elapsed')).toHaveText(/^00:(0[3-9]|[1-5]\d)$/, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await expect(page.getByText(/Recording saved: /)).toBeVisible({ timeout: 30_000 });

  // Stored encrypted: probed as a decrypted copy outside the data folder.
  const probed = await probe(await decryptedCopy(path.join(tmp, 'data'), sessionId, 'recording.webm', tmp));
  expect(probed.streams.filter((s) => s.type === 'video')).toHaveLength(1);
  expect(probed.streams.filter((s) => s.type === 'audio')).toHaveLength(1);

  await page.getByRole('button', { name: 'Back to sessions' }).click();
  const row = page.locator(`tr[data-session-id="${sessionId}"]`);
  await expect(row.locator('[data-status]')).toHaveText('Completed');
  await row.getByRole('button', { name: /^Review session/ }).click();
  await expect(page.getByRole('heading', { name: 'Review' })).toBeVisible();
  expect(Math.abs((await loadedDuration(page, 'Session recording')) - probed.durationS)).toBeLessThan(0.5);

  await page.getByRole('button', { name: 'Export labels CSV' }).click();
  await expect(page.getByText(/exported to /)).toBeVisible();
});
