import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { faceSpeechClip } from '../src-main/core/test-support/face-speech-clip.js';
import { addParticipant, createSession, expect, test, waitForPreview } from './fixtures/app.js';
import { FFMPEG } from './fixtures/paths.js';
import { frameContinuity, MAX_FRAME_GAP_S, MAX_START_GAP_S, MIN_FPS_SHARE, probe, videoFrameTimes } from './fixtures/probe.js';
import { decryptedCopy, openStoredDatabase } from './fixtures/stored-data.js';

const run = promisify(execFile);
const MEDIA_DIR = path.join(os.tmpdir(), `affect-e2e-preview-${process.pid}`);
const FACE_Y4M = path.join(MEDIA_DIR, 'face.y4m');
const SMALL_DARK_Y4M = path.join(MEDIA_DIR, 'small-dark-face.y4m');
const MEASURE_MS = 5000;
const RECORD_MS = 3000;
/**
 * Share of the frames the preview showed that the detector answered. A frame is skipped only while three are
 * already with the detector's worker, i.e. when the worker or the window stalled for more than three frame
 * intervals (100 ms at the clip's 30 fps). On a shared 2-core machine at load average ~25 (detection median
 * 12 ms, p95 ~100 ms) that happened to up to 16 % of the frames with two allowed in flight (84-100 %, 9 runs).
 * On a 2-core AMD EPYC VM, where Chromium alone keeps 1.3-1.5 cores busy, 97-98 % (4 runs; 32-49 % before the
 * worker converted frames itself: docs/framing.md).
 */
const MIN_DETECTED_SHARE = 0.8;
/**
 * While recording the preview detects at most 10 times a second with its worker busy at most a quarter of the
 * time (camera-preview.svelte.ts): a third of a 30 fps camera's frames at best; 19-26 % measured there.
 */
const MIN_DETECTED_SHARE_RECORDING = 0.1;

/** Frames the camera track delivered so far (MediaStreamTrack stats). */
async function cameraFrames(page: Page): Promise<number> {
  return page.getByLabel('Camera preview').evaluate((v: HTMLVideoElement) => {
    const track = (v.srcObject as MediaStream).getVideoTracks()[0] as MediaStreamTrack & { stats?: { deliveredFrames: number } };
    return track.stats?.deliveredFrames ?? Number.NaN;
  });
}

let clipSkip: string | null = null;

interface PreviewStats {
  /** Camera frames the preview showed while the detector ran. */
  delivered: number;
  frames: number;
  withFace: number;
  detectMedianMs: number | null;
  delegate: string;
}

async function previewStats(page: Page): Promise<PreviewStats> {
  // One read of all counters, so they describe the same moment.
  const a = await page.getByTestId('preview-stats').evaluate((el) => Object.fromEntries(Array.from(el.attributes, (x) => [x.name, x.value])));
  return {
    delivered: Number(a['data-delivered']),
    frames: Number(a['data-frames']),
    withFace: Number(a['data-with-face']),
    detectMedianMs: a['data-detect-median'] ? Number(a['data-detect-median']) : null,
    delegate: a['data-delegate'] ?? '',
  };
}

async function checkStates(page: Page): Promise<Record<string, string>> {
  return page.locator('[data-check]').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-check'), e.getAttribute('data-state')])));
}

async function openCapture(page: Page, code: string): Promise<number> {
  await addParticipant(page, code);
  const id = await createSession(page, { participant: code, protocol: 'Framing' });
  await waitForPreview(page);
  // The preview detector (tasks-vision WASM and model) is loading until its first frame is counted.
  await expect.poll(async () => (await previewStats(page)).frames, { timeout: 60_000 }).toBeGreaterThan(0);
  return id;
}

test.describe('camera preview with tasks-vision and framing guidance', () => {
  test.beforeAll(async () => {
    const clip = await faceSpeechClip(6);
    if ('skip' in clip) {
      clipSkip = clip.skip;
      return;
    }
    mkdirSync(MEDIA_DIR, { recursive: true });
    // The real face clip (640×480, 30 fps) as the camera; and the same clip shrunk to 30 % on grey and darkened
    // to 40 % (docs/framing.md: still detected, but too small and too dark for reliable estimates).
    await run(FFMPEG, ['-v', 'error', '-y', '-i', clip.file, '-an', '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', FACE_Y4M]);
    await run(FFMPEG, [
      '-v', 'error', '-y', '-i', clip.file, '-an',
      '-vf', 'scale=192:144,pad=640:480:(ow-iw)/2:(oh-ih)/2:color=0x808080,colorchannelmixer=rr=0.4:gg=0.4:bb=0.4',
      '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', SMALL_DARK_Y4M,
    ]);
  });
  test.afterAll(() => rmSync(MEDIA_DIR, { recursive: true, force: true }));

  test.describe('a well framed face', () => {
    test.use({ fakeMediaFiles: { videoY4m: FACE_Y4M } });

    test('boxes on the preview at camera rate, labels from the analysis, checks passing, shares stored with the recording', async ({ openApp, server }) => {
      test.skip(clipSkip !== null, clipSkip ?? '');
      const page = await openApp();
      const origin = new URL(server.url).origin;
      const foreign: string[] = [];
      page.on('request', (r) => {
        const u = new URL(r.url());
        if (u.origin !== origin && !(u.protocol === 'ws:' && u.host === new URL(origin).host) && u.protocol !== 'blob:' && u.protocol !== 'data:') foreign.push(r.url());
      });
      const sessionId = await openCapture(page, 'P-PREVIEW');

      // Rates are measured against the frames the preview showed in the same seconds, not in Hz: a loaded
      // machine shows fewer camera frames, and the detector can only be asked to keep up with those.
      const before = await previewStats(page);
      const cam0 = await cameraFrames(page);
      const t0 = Date.now();
      await page.waitForTimeout(MEASURE_MS);
      const after = await previewStats(page);
      const cam1 = await cameraFrames(page);
      const seconds = (Date.now() - t0) / 1000;
      const shown = after.delivered - before.delivered;
      const frames = after.frames - before.frames;
      const withFace = after.withFace - before.withFace;
      console.log(
        `preview: camera ${((cam1 - cam0) / seconds).toFixed(1)} fps, shown ${(shown / seconds).toFixed(1)} fps; detected ${frames} of ${shown} shown frames ` +
          `(${((100 * frames) / Math.max(1, shown)).toFixed(1)} %, ${(frames / seconds).toFixed(1)} Hz), boxes on ${((100 * withFace) / Math.max(1, frames)).toFixed(1)} %, ` +
          `detect median ${after.detectMedianMs?.toFixed(1)} ms, delegate ${after.delegate}`,
      );
      expect(frames / shown).toBeGreaterThanOrEqual(MIN_DETECTED_SHARE);
      expect(withFace / frames).toBeGreaterThanOrEqual(0.9);

      // Every check passes and the advice says so.
      await expect.poll(() => checkStates(page)).toEqual({ present: 'pass', size: 'pass', centring: 'pass', brightness: 'pass', contrast: 'pass', sharpness: 'pass' });
      await expect(page.getByTestId('framing-advice')).toHaveText('Framing is good');
      // The main process's label rides on the preview box: track id, dominant emotion, seven bars.
      const overlay = page.locator('[data-slot="face-overlay"]');
      await expect(overlay.getByRole('list', { name: /^Emotion probabilities for face \d+$/ }).first().locator('li')).toHaveCount(7);

      await page.getByRole('button', { name: 'Start recording' }).click();
      const stop = page.getByRole('button', { name: 'Stop recording' });
      await expect(stop).toBeVisible();
      const rec0 = await previewStats(page);
      const recCam0 = await cameraFrames(page);
      const tr0 = Date.now();
      await page.waitForTimeout(RECORD_MS);
      const rec1 = await previewStats(page);
      const recCam1 = await cameraFrames(page);
      const recSeconds = (Date.now() - tr0) / 1000;
      // What the camera delivered in those seconds: a loaded machine's camera delivers fewer than its nominal
      // 30 fps (24-29 measured here with and without the preview), which is no frame the recording lost.
      const cameraFps = (recCam1 - recCam0) / recSeconds;
      await stop.click();
      await expect(page.getByText(/Recording saved: /)).toBeVisible({ timeout: 30_000 });

      // While recording the preview gives way (one frame at a time, at most 10 Hz, its worker busy at most a
      // quarter of the time) but keeps the guidance going; and the recording loses no frame to it.
      const recShown = rec1.delivered - rec0.delivered;
      const recFrames = rec1.frames - rec0.frames;
      // The stored file is encrypted: checked as a decrypted copy outside the data folder.
      const file = await decryptedCopy(server.dataDir, sessionId, 'recording.webm', MEDIA_DIR);
      const continuity = frameContinuity(await videoFrameTimes(file));
      console.log(
        `while recording: detected ${recFrames} of ${recShown} shown frames (${(recFrames / recSeconds).toFixed(1)} Hz); ` +
          `recorded ${continuity.fps.toFixed(2)} fps (camera delivered ${cameraFps.toFixed(2)} fps), longest gap ${continuity.maxGapS.toFixed(3)} s at ${continuity.maxGapAtS.toFixed(2)} s (start ${continuity.startGapS.toFixed(3)} s, later ${continuity.laterGapS.toFixed(3)} s at ${continuity.laterFps.toFixed(2)} fps)`,
      );
      expect(recFrames / recShown).toBeGreaterThanOrEqual(MIN_DETECTED_SHARE_RECORDING);
      expect(continuity.laterFps).toBeGreaterThanOrEqual(MIN_FPS_SHARE * cameraFps);
      expect(continuity.startGapS).toBeLessThan(MAX_START_GAP_S);
      expect(continuity.laterGapS).toBeLessThan(MAX_FRAME_GAP_S);

      const db = await openStoredDatabase(server.dataDir);
      try {
        const row = db.prepare('SELECT * FROM session_framing WHERE session_id = ?').get(sessionId) as Record<string, number> | undefined;
        expect(row).toBeDefined();
        console.log(`framing stored: ${JSON.stringify(row)}`);
        // Framing time is the recording's time (from its start to Stop), give or take the preview's last step.
        const recordedMs = (await probe(file)).durationS * 1000;
        expect(row!.total_ms).toBeGreaterThan(recordedMs * 0.6);
        expect(row!.total_ms).toBeLessThan(recordedMs + 500);
        for (const c of ['present', 'size', 'centring', 'brightness', 'contrast', 'sharpness']) expect(row![`${c}_failed_ms`] / row!.total_ms).toBeLessThan(0.1);
      } finally {
        db.close();
      }
      // Review shows the same shares in a small summary.
      await page.goto(page.url().replace(/#.*$/, `#/review/${sessionId}`));
      const summary = page.getByTestId('framing-summary');
      await expect(summary).toHaveAttribute('data-measured', 'yes');
      await expect(summary.getByTestId('framing-verdict')).toHaveText(/^Judged by the camera preview for \d+\.\d s of the recording\. No check failed for more than 10% of that time\.$/);
      await expect(summary.locator('li[data-check]')).toHaveCount(6);
      await expect(summary.locator('li[data-check="size"]')).toHaveText('Face size: failed 0%');
      expect(foreign).toEqual([]);
    });
  });

  test.describe('a small, dark face', () => {
    test.use({ fakeMediaFiles: { videoY4m: SMALL_DARK_Y4M } });

    test('says to move the camera closer and to light the face, with the size and brightness checks failing', async ({ openApp }) => {
      test.skip(clipSkip !== null, clipSkip ?? '');
      const page = await openApp();
      await openCapture(page, 'P-DARK');
      await expect.poll(() => checkStates(page), { timeout: 20_000 }).toMatchObject({ present: 'pass', size: 'fail', brightness: 'fail' });
      const advice = page.getByTestId('framing-advice');
      await expect(advice).toHaveAttribute('data-advice', 'closer light-front');
      await expect(advice).toHaveText('Move the camera closer (or the participant nearer) · Light from the front: the face is too dark');
    });
  });
});

test('Settings say where the preview detector runs and why; switched off, Capture shows the analysis boxes without framing guidance', async ({ openApp }) => {
  const page = await openApp('#/settings');
  const facts = page.getByTestId('preview-detector');
  await expect(facts).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  // This Chromium renders WebGL in software (--disable-gpu), where the GPU delegate would be the slower one.
  await expect(facts).toContainText('CPU (WebAssembly)');
  await expect(facts).toContainText(/WebGL runs in software here/);
  await page.getByLabel('Detect faces on every camera frame (preview boxes and framing guidance)').uncheck();
  await expect(facts).toHaveAttribute('data-status', 'off');
  await page.reload();
  await expect(page.getByLabel('Detect faces on every camera frame (preview boxes and framing guidance)')).not.toBeChecked();

  await page.goto(page.url().replace(/#.*$/, ''));
  await addParticipant(page, 'P-OFF');
  await createSession(page, { participant: 'P-OFF', protocol: 'Framing' });
  await waitForPreview(page);
  await expect(page.getByText('Framing guidance is switched off in Settings.')).toBeVisible();
  await expect(page.getByTestId('preview-stats')).toHaveCount(0);
});
