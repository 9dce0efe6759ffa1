import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { addParticipant, createSession, expect, test, waitForPreview } from './fixtures/app.js';
import { LIVE_RUN_SQL, readLiveStats } from './fixtures/live-stats.js';
import { FFMPEG, REPO_ROOT } from './fixtures/paths.js';
import { openStoredDatabase } from './fixtures/stored-data.js';

const run = promisify(execFile);

/** Research data, read at run time from beside the repository and never copied into it. */
const SOURCE_VIDEO = path.resolve(REPO_ROOT, '..', 'shared', 'data', 'video', 'face-frown-ckplus.avi');
const MEDIA_DIR = path.join(os.tmpdir(), `affect-e2e-live-face-${process.pid}`);
const CAMERA_Y4M = path.join(MEDIA_DIR, 'face.y4m');

test.describe('live face analysis', () => {
  test.skip(!existsSync(SOURCE_VIDEO), `needs the research clip ${SOURCE_VIDEO} (../shared/data is absent)`);
  test.use({ fakeMediaFiles: { videoY4m: CAMERA_Y4M } });

  test.beforeAll(async () => {
    mkdirSync(MEDIA_DIR, { recursive: true });
    // Native 720×480 at 30 fps; Chromium loops the clip as the camera.
    await run(FFMPEG, ['-v', 'error', '-y', '-i', SOURCE_VIDEO, '-an', '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', CAMERA_Y4M]);
  });
  test.afterAll(() => rmSync(MEDIA_DIR, { recursive: true, force: true }));

  test('finds the face on the camera preview and stores live observations while recording', async ({ openApp, server }) => {
    const page = await openApp();
    await addParticipant(page, 'P-FACE');
    const sessionId = await createSession(page, { participant: 'P-FACE', protocol: 'Live face' });
    await waitForPreview(page);

    // The first result can wait for the models to load.
    await expect.poll(async () => (await readLiveStats(page)).analysed, { timeout: 60_000 }).toBeGreaterThan(0);
    // At least 10 more frames analysed, counted by the app, however long a loaded machine takes; the rate
    // is reported, not asserted.
    const before = await readLiveStats(page);
    const t0 = Date.now();
    await expect.poll(async () => (await readLiveStats(page)).analysed - before.analysed, { timeout: 60_000 }).toBeGreaterThanOrEqual(10);
    const after = await readLiveStats(page);
    const seconds = (Date.now() - t0) / 1000;
    const analysed = after.analysed - before.analysed;
    const withFace = after.withFace - before.withFace;
    console.log(
      `live face: ${analysed} frames analysed in ${seconds.toFixed(1)} s (${(analysed / seconds).toFixed(1)} Hz), ` +
        `face on ${withFace} (${((100 * withFace) / Math.max(1, analysed)).toFixed(1)}%), ` +
        `latency median ${after.faceMedianMs?.toFixed(0)} ms, p95 ${after.faceP95Ms?.toFixed(0)} ms (${after.hz.toFixed(1)} Hz shown)`,
    );
    expect(withFace / analysed).toBeGreaterThanOrEqual(0.9);
    // The overlay shows the face: a box with its track ID and a bar per class the default model gives (eight with
    // contempt, seven without), and no "no face" notice.
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'models', 'manifest.json'), 'utf8')) as { models: Array<{ task: string; default?: boolean; labels?: string[] }> };
    const faceModel = manifest.models.find((m) => m.task === 'face-emotion' && m.default)!;
    const overlay = page.locator('[data-slot="face-overlay"]');
    await expect(overlay.getByRole('list', { name: /^Emotion probabilities for face \d+$/ }).first().locator('li')).toHaveCount(faceModel.labels?.includes('contempt') ? 8 : 7);
    await expect(page.getByTestId('face-latency-ms')).toHaveText(/^\d+ ms$/);

    // Record 3 s by the app's recording clock: what was analysed meanwhile is stored under the session's live
    // run, on the recording's clock.
    await page.getByRole('button', { name: 'Start recording' }).click();
    const stop = page.getByRole('button', { name: 'Stop recording' });
    await expect(stop).toBeVisible();
    await expect(page.getByTestId('elapsed')).toHaveText(/^00:(0[3-9]|[1-5]\d)$/, { timeout: 30_000 });
    const rec = await readLiveStats(page);
    console.log(`while recording: ${rec.hz.toFixed(1)} Hz shown, latency median ${rec.faceMedianMs?.toFixed(0)} ms, p95 ${rec.faceP95Ms?.toFixed(0)} ms (recent results)`);
    await stop.click();
    await expect(page.getByText(/Recording saved: /)).toBeVisible({ timeout: 30_000 });

    const db = await openStoredDatabase(server.dataDir);
    try {
      const stored = () => {
        const runRow = db.prepare(LIVE_RUN_SQL).get(sessionId) as { id: number } | undefined;
        if (!runRow) return { faces: 0, frames: 0, maxT: 0 };
        const f = db.prepare('SELECT COUNT(*) AS n, MAX(t_ms) AS maxT FROM face_obs WHERE run_id = ?').get(runRow.id) as { n: number; maxT: number | null };
        const fr = db.prepare('SELECT COUNT(*) AS n FROM face_frame WHERE run_id = ?').get(runRow.id) as { n: number };
        return { faces: f.n, frames: fr.n, maxT: f.maxT ?? 0 };
      };
      await expect.poll(() => stored().faces).toBeGreaterThan(0);
      const s = stored();
      console.log(`live run: ${s.frames} frames, ${s.faces} face observations stored, last at ${s.maxT.toFixed(0)} ms`);
      // Stored rows are on the recording's clock (ms from its start), not the preview's (which had run for
      // several seconds before): every stored frame was captured while the core's sink was open, so its time
      // is at most that span (the core's clock; 0.2 s for millisecond timestamps and the two clocks' rounding).
      const span = db.prepare('SELECT started_at AS a, ended_at AS b FROM session WHERE id = ?').get(sessionId) as { a: string; b: string };
      const sinkOpenMs = Date.parse(span.b) - Date.parse(span.a);
      expect(s.maxT).toBeLessThanOrEqual(sinkOpenMs + 200);
      expect(s.faces / Math.max(1, s.frames)).toBeGreaterThanOrEqual(0.9);
    } finally {
      db.close();
    }
  });
});
