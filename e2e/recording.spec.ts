import { execFileSync } from 'node:child_process';
import { FFPROBE } from './fixtures/paths.js';
import { addParticipant, createSession, expect, loadedDuration, playheadMs, test, waitForPreview } from './fixtures/app.js';
import { frameContinuity, MAX_FRAME_GAP_S, MAX_START_GAP_S, MIN_FPS_SHARE, probe, videoFrameTimes } from './fixtures/probe.js';
import { decryptedCopy, openStoredDatabase } from './fixtures/stored-data.js';
import { TONE_DBFS } from './fixtures/test-media.js';

const RECORD_MS = 5000;

/** The recording statistics stored with the session at Stop (what Capture counted of the camera's frames). */
async function storedStats(dataDir: string, sessionId: number): Promise<{ framesReceived: number; framesExpected: number; nominalFps: number; durationMs: number } | null> {
  const db = await openStoredDatabase(dataDir);
  try {
    const r = db.prepare('SELECT recording_stats AS s FROM session WHERE id = ?').get(sessionId) as { s: string | null };
    return r.s === null ? null : JSON.parse(r.s);
  } finally {
    db.close();
  }
}

/** Video frames in a file, counted by ffprobe from its packets. */
function videoFrames(file: string): number {
  const out = execFileSync(FFPROBE, ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(out.trim());
}

/** Seconds between the session's recording start and end as the core recorded them. */
async function sinkOpenSeconds(dataDir: string, sessionId: number): Promise<number> {
  const db = await openStoredDatabase(dataDir);
  try {
    const r = db.prepare('SELECT started_at AS startedAt, ended_at AS endedAt FROM session WHERE id = ?').get(sessionId) as { startedAt: string; endedAt: string };
    return (Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000;
  } finally {
    db.close();
  }
}

/**
 * Checks where a one-second step from `beforeS` landed. The player aims at the middle of the frame one second
 * on, on its grid of `fps` (Player.moveFrames), and the browser shows the last frame of the file at or before
 * that aim, or the one before that (seen once: aim 1.217 s, frames at 1.151 and 1.210 s, 1.151 s shown and
 * reported; likely Chromium's estimate of a frame's duration, which MediaRecorder's WebM does not state). A live recording's frames are unevenly spaced, so across
 * a gap the frame shown can be more than a frame short of the second. Returns 'on the right frame', or what is
 * wrong, with the frames around the aim.
 */
function secondStepLanding(frameTimes: readonly number[], beforeS: number, shownS: number, fps: number): string {
  const frameS = 1 / fps;
  const aimS = (Math.round(beforeS / frameS) + Math.round(fps) + 0.5) * frameS;
  // fps is read as shown, to two decimals: allow the aim a few milliseconds either way.
  const slackS = 0.003;
  const last = frameTimes.findLastIndex((t) => t <= aimS + slackS);
  const candidates = frameTimes.slice(Math.max(0, last - 1), last + 1);
  if (candidates.some((t) => Math.abs(t - shownS) < 0.0015)) return 'on the right frame';
  const around = frameTimes.filter((t) => Math.abs(t - aimS) < 0.3).map((t) => t.toFixed(3)).join(' ');
  return `playhead at ${shownS.toFixed(3)} s after a step from ${beforeS.toFixed(3)} s at ${fps} fps (aim ${aimS.toFixed(3)} s); frames near the aim: ${around}`;
}

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

  // The preview's face detector is on (the default) and starts while this recording runs, as it does when
  // someone presses Start as soon as the camera shows: it must not cost a recorded frame.
  await expect(page.getByRole('heading', { name: 'Framing' })).toBeVisible();
  await expect(page.getByText('Framing guidance is switched off in Settings.')).toHaveCount(0);
  const cameraFps = await page.getByLabel('Camera preview').evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream).getVideoTracks()[0].getSettings().frameRate ?? 0);
  expect(cameraFps).toBeGreaterThan(0);

  // 5 s by the app's own recording clock (it starts when MediaRecorder has started), however long a loaded
  // machine takes to show that it is recording or to deliver the clicks.
  await page.getByRole('button', { name: 'Start recording' }).click();
  const stop = page.getByRole('button', { name: 'Stop recording' });
  await expect(stop).toBeVisible();
  const elapsed = page.getByTestId('elapsed');
  await expect(elapsed).toHaveText(/^00:0[3-9]$/, { timeout: 30_000 });
  // Chunks were streamed to disk while recording, not held until the end.
  await expect(page.getByTestId('bytes-written')).not.toHaveText('0 B');
  await expect(elapsed).toHaveText(/^00:(0[5-9]|[1-5]\d)$/, { timeout: 30_000 });
  // The camera's frames are counted live, against the rate it promised.
  const live = page.getByTestId('recording-stats');
  await expect(live).toBeVisible();
  expect(Number(await live.getAttribute('data-frames'))).toBeGreaterThan(10);
  // How far the preview detector got (it loads in the background; e2e/preview.spec.ts checks it while recording).
  const previewFrames = await page.evaluate(() => document.querySelector('[data-testid="preview-stats"]')?.getAttribute('data-frames') ?? 'not started yet');
  await stop.click();
  await expect(page.getByText(/Recording saved: /)).toBeVisible({ timeout: 30_000 });
  // …and kept with the session: the frames counted are the frames the recording holds (within a few at each end).
  // The stored file is encrypted: checked as a decrypted copy outside the data folder.
  const file = await decryptedCopy(server.dataDir, sessionId, 'recording.webm', tmpDir);
  const stats = (await storedStats(server.dataDir, sessionId))!;
  expect(stats.durationMs).toBeGreaterThan(RECORD_MS - 500);
  const inFile = videoFrames(file);
  console.log(`camera: ${stats.framesReceived} frames counted of ${stats.framesExpected} expected at ${stats.nominalFps} fps; ${inFile} in the file`);
  expect(Math.abs(stats.framesReceived - inFile)).toBeLessThanOrEqual(Math.max(5, inFile * 0.1));
  const probed = await probe(file);
  console.log(`recorded ${probed.durationS.toFixed(3)} s: ${probed.streams.map((s) => `${s.type}/${s.codec}`).join(', ')}`);
  expect(probed.streams.filter((s) => s.type === 'video')).toHaveLength(1);
  expect(probed.streams.filter((s) => s.type === 'audio')).toHaveLength(1);
  expect(['vp8', 'vp9']).toContain(probed.streams.find((s) => s.type === 'video')!.codec);
  expect(probed.streams.find((s) => s.type === 'audio')!.codec).toBe('opus');
  // At least the 5 s the app counted before Stop was pressed, less 0.3 s: MediaRecorder's first frame may
  // follow its start event by a few frames of the 30 fps camera.
  expect(probed.durationS).toBeGreaterThanOrEqual(RECORD_MS / 1000 - 0.3);
  // At most the time the core's sink was open: it was marked recording before MediaRecorder started and
  // closed after the last chunk arrived (the core's clock; 0.1 s for millisecond timestamps and the last
  // frame's duration). A recorder that went on after Stop would exceed it.
  const sinkOpenS = await sinkOpenSeconds(server.dataDir, sessionId);
  console.log(`the core's sink was open ${sinkOpenS.toFixed(3)} s`);
  expect(probed.durationS).toBeLessThanOrEqual(sinkOpenS + 0.1);

  // No frame lost: the file keeps the camera's frame rate, without holes (tolerances: fixtures/probe.ts).
  const frameTimes = await videoFrameTimes(file);
  const frames = frameContinuity(frameTimes);
  console.log(`recorded ${frames.frames} video frames, ${frames.fps.toFixed(2)} fps (camera ${cameraFps} fps), longest gap ${frames.maxGapS.toFixed(3)} s at ${frames.maxGapAtS.toFixed(2)} s (start ${frames.startGapS.toFixed(3)} s, later ${frames.laterGapS.toFixed(3)} s at ${frames.laterFps.toFixed(2)} fps); preview frames ${previewFrames}`);
  expect(frames.fps).toBeGreaterThanOrEqual(MIN_FPS_SHARE * cameraFps);
  expect(frames.startGapS).toBeLessThan(MAX_START_GAP_S);
  expect(frames.laterGapS).toBeLessThan(MAX_FRAME_GAP_S);

  // The sessions list shows the session as completed with that duration.
  await page.getByRole('button', { name: 'Back to sessions' }).click();
  const row = page.locator(`tr[data-session-id="${sessionId}"]`);
  await expect(row).toContainText('P-0001');
  await expect(row).toContainText('Baseline interview');
  await expect(row.locator('[data-status]')).toHaveText('Completed');
  const rounded = Math.round(probed.durationS);
  await expect(row.locator('[data-col="duration"]')).toHaveText(`00:${String(rounded).padStart(2, '0')}`);
  const listedSeconds = Number((await row.locator('[data-col="duration"]').getAttribute('title'))?.replace(/[^0-9.]/g, ''));
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
  const before = (await playheadMs(page)) / 1000;
  await page.keyboard.press('Shift+ArrowRight');
  const playerFps = Number(/· ([\d.]+) fps/.exec((await page.getByTestId('frame-number').textContent()) ?? '')?.[1]);
  expect(playerFps).toBeGreaterThan(0);
  await expect.poll(async () => secondStepLanding(frameTimes, before, (await playheadMs(page)) / 1000, playerFps)).toBe('on the right frame');

  // The note is editable and survives a reload.
  await page.getByLabel('Session note').fill('Participant calm throughout.');
  await page.getByRole('button', { name: 'Save note' }).click();
  await expect(page.getByText('Note saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Session note')).toHaveValue('Participant calm throughout.');
});
