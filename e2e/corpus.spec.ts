import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ConsoleMessage, FileChooser, Locator, Page } from '@playwright/test';
import { addParticipant, expect, playheadMs, test } from './fixtures/app.js';
import { FFMPEG } from './fixtures/paths.js';

/**
 * A researcher's corpus in browser mode: clips imported from the Sessions view (files, or a folder with its
 * subfolders) through the work queue, an AVI made playable and played in Review beside an H.264 MP4, labelled;
 * a folder with a broken clip; a restart of the app in the middle; an audio-only clip with its waveform.
 */

function ffmpeg(args: string[]): void {
  execFileSync(FFMPEG, ['-v', 'error', '-y', ...args]);
}

const pattern = (seconds: number, size = '320x240', rate = 25) => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`];
const tone = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=300:sample_rate=44100:duration=${seconds}`];

/** Fills in the import panel (participant, protocol, analysis off unless asked). */
async function importInto(page: Page, code: string, protocol: string, analyse = false): Promise<void> {
  const panel = page.getByTestId('import-panel');
  await panel.getByLabel('Participant of the clips').selectOption({ label: code });
  await panel.getByLabel('Protocol of the clips').fill(protocol);
  await panel.getByLabel('Analyse each clip once it is imported').setChecked(analyse);
}

function batch(page: Page) {
  return page.getByTestId('work-queue').locator('article').first();
}

function itemRow(page: Page, label: string) {
  return batch(page).locator('tr', { hasText: label });
}

/** A new participant `code` with one clip imported for them (analysis off), opened in Review from the queue. */
async function importOneAndReview(page: Page, code: string, protocol: string, file: string): Promise<void> {
  await addParticipant(page, code);
  await importInto(page, code, protocol);
  await page.getByTestId('import-files').setInputFiles([file]);
  await page.getByRole('button', { name: 'Import 1 clip' }).click();
  await expect(batch(page).getByTestId('batch-summary')).toContainText('1 of 1 done', { timeout: 60_000 });
  const label = path.basename(file);
  await itemRow(page, label).getByRole('button', { name: `Review ${label}` }).click();
}

/** Mean brightness (0–255) and spread of the frame on screen, drawn from the <video> itself. */
async function frameStats(page: Page): Promise<{ mean: number; spread: number }> {
  return page.getByTestId('review-video').evaluate((v: HTMLVideoElement) => {
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 48;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(v, 0, 0, 64, 48);
    const d = ctx.getImageData(0, 0, 64, 48).data;
    const ys: number[] = [];
    for (let i = 0; i < d.length; i += 4) ys.push(0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    return { mean, spread: Math.max(...ys) - Math.min(...ys) };
  });
}

/** Opens the clip's session in Review from the queue and checks it plays: decoded, and a picture at 1.5 s. */
async function reviewPlays(page: Page, label: string): Promise<void> {
  await itemRow(page, label).getByRole('button', { name: `Review ${label}` }).click();
  await expect(page.getByTestId('review-workspace')).toBeVisible();
  const video = page.getByTestId('review-video');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(2);
  expect(await video.evaluate((v: HTMLVideoElement) => v.error?.message ?? null)).toBeNull();
  await video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<void>((resolve) => {
        v.addEventListener('seeked', () => resolve(), { once: true });
        v.currentTime = 1.5;
      }),
  );
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(2);
  const stats = await frameStats(page);
  expect(stats.mean).toBeGreaterThan(30);
  expect(stats.spread).toBeGreaterThan(60);
}

/** A rater tier and one segment labelled "happy" from the first frame to 10 frames later, by keyboard. */
async function labelSegment(page: Page, rater: string): Promise<void> {
  await page.getByLabel('Rater').fill(rater);
  await page.getByRole('button', { name: 'Add tier' }).click();
  await expect(page.getByTestId('tier')).toHaveCount(1);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Home');
  await page.keyboard.press('i');
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('frame-number')).toContainText('frame 10 ');
  await page.keyboard.press('o');
  await page.keyboard.press('2');
  await expect(page.getByTestId('segment')).toHaveCount(1);
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
  const [[labelName, start, end]] = await page.getByTestId('segment').evaluateAll((els) => els.map((e) => [e.dataset.label, Number(e.dataset.start), Number(e.dataset.end)] as const));
  expect(labelName).toBe('happy');
  // 10 frames at the clip's own 25 fps (stated by the file, or its copy).
  expect(Math.abs(end - start - 400)).toBeLessThanOrEqual(1);
}

test('imports an MJPEG AVI and an H.264 MP4 from Sessions; both play in Review (the AVI from its playable copy) and get labelled', async ({ openApp, tmpDir }) => {
  const avi = path.join(tmpDir, 'Interview Jane Doe.avi');
  const mp4 = path.join(tmpDir, 'follow-up.mp4');
  ffmpeg([...pattern(3), ...tone(3), '-c:v', 'mjpeg', '-q:v', '4', '-c:a', 'pcm_s16le', '-shortest', avi]);
  ffmpeg([...pattern(3), ...tone(3), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', mp4]);

  const page = await openApp();
  await addParticipant(page, 'C-01');
  await importInto(page, 'C-01', 'corpus');
  await page.getByTestId('import-files').setInputFiles([avi, mp4]);
  await expect(page.getByTestId('import-picked')).toContainText('2 clips');
  await page.getByRole('button', { name: 'Import 2 clips' }).click();
  await expect(batch(page).getByTestId('batch-summary')).toContainText('2 of 2 done', { timeout: 60_000 });
  await expect(itemRow(page, 'Interview Jane Doe.avi').getByTestId('item-message')).toContainText('avi with mjpeg video and pcm_s16le audio does not play in the app; a playable copy was made');
  await expect(itemRow(page, 'follow-up.mp4').getByTestId('item-message')).toHaveText('');

  await reviewPlays(page, 'Interview Jane Doe.avi');
  await expect(page.getByTestId('playable-copy')).toContainText('Plays from a copy made at import');
  await expect(page.getByTestId('frame-number')).toContainText('25 fps');
  await labelSegment(page, 'RA-1');

  await page.getByRole('button', { name: 'Back to sessions' }).click();
  await reviewPlays(page, 'follow-up.mp4');
  await expect(page.getByTestId('playable-copy')).toHaveCount(0);
  await labelSegment(page, 'RA-1');
});

test('imports a folder of 5 clips (one broken): 4 done, 1 failed with its reason; a restart in the middle resumes the queue', async ({ openApp, server, tmpDir }) => {
  const folder = path.join(tmpDir, 'study 2019');
  mkdirSync(path.join(folder, 'visit 2'), { recursive: true });
  // Long enough that making their playable copies takes a while: the restart lands in the middle.
  for (const [i, rel] of ['a.avi', 'b.avi', 'visit 2/c.avi', 'visit 2/d.avi'].entries()) {
    ffmpeg([...pattern(8 + i, '640x480'), ...tone(8 + i), '-c:v', 'mjpeg', '-q:v', '3', '-c:a', 'pcm_s16le', '-shortest', path.join(folder, rel)]);
  }
  writeFileSync(path.join(folder, 'visit 2', 'e-broken.mp4'), Buffer.alloc(40_000, 3));
  writeFileSync(path.join(folder, 'notes.txt'), 'not a clip');

  let page = await openApp();
  await addParticipant(page, 'C-02');
  await importInto(page, 'C-02', 'folder');
  await page.getByTestId('import-folder').setInputFiles(folder);
  await expect(page.getByTestId('import-picked')).toContainText('5 clips');
  await expect(page.getByTestId('import-picked')).toContainText('1 other file left out');
  await page.getByRole('button', { name: 'Import 5 clips' }).click();

  // Every file has arrived and the first clip is done, the last not yet: restart the app now.
  const states = () => batch(page).getByTestId('item-state').allTextContents();
  await expect.poll(async () => (await states()).some((s) => /waiting|receiving/.test(s)), { timeout: 60_000 }).toBe(false);
  await expect.poll(async () => (await states()).filter((s) => s === 'done').length, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  const before = await states();
  expect(before.filter((s) => s === 'done').length).toBeLessThan(4);
  await page.close();
  await server.restart();

  page = await openApp();
  await expect(batch(page).getByTestId('batch-summary')).toContainText('4 of 5 done, 1 failed', { timeout: 90_000 });
  const broken = itemRow(page, 'e-broken.mp4');
  await expect(broken).toHaveAttribute('data-state', 'failed');
  await expect(broken.getByTestId('item-message')).toContainText('e-broken.mp4: Cannot read media file');
  for (const label of ['a.avi', 'b.avi', 'c.avi', 'd.avi']) await expect(itemRow(page, label)).toHaveAttribute('data-state', 'done');
  // Four sessions, each once.
  await expect(page.getByRole('table', { name: 'Sessions' }).locator('tbody tr')).toHaveCount(4);
});

/**
 * Presses Enter on a focused "Choose…" button and returns the file chooser it opens. Fails unless the keypress
 * reached the button's hidden file input; returns null, after printing what the page saw, when the input was
 * activated but Chromium reported no chooser.
 */
async function openChooserByKeyboard(page: Page, button: Locator): Promise<FileChooser | null> {
  await page.evaluate(() => {
    const w = window as unknown as { fileInputClicks: number; pageNotes: string[] };
    w.fileInputClicks = 0;
    document.addEventListener('click', (e) => {
      if (e.target instanceof HTMLInputElement && e.target.type === 'file') w.fileInputClicks++;
    }, true);
  });
  const notes: string[] = [];
  const onConsole = (m: ConsoleMessage) => notes.push(`${m.type()}: ${m.text()}`);
  page.on('console', onConsole);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) await button.focus();
      const opened = page.waitForEvent('filechooser', { timeout: 10_000 }).catch(() => null);
      await page.keyboard.press('Enter');
      const chooser = await opened;
      if (chooser) return chooser;
    }
    const clicks = await page.evaluate(() => (window as unknown as { fileInputClicks: number }).fileInputClicks);
    console.log(`Enter reached the file input ${clicks} times, no file chooser reported; page console:\n${notes.join('\n')}`);
    expect(clicks, 'Enter on the focused button activates its file input').toBeGreaterThan(0);
    return null;
  } finally {
    page.off('console', onConsole);
  }
}

test('an audio-only clip, picked and imported by keyboard, shows a waveform in Review instead of a picture', async ({ openApp, tmpDir }) => {
  const wav = path.join(tmpDir, 'voice memo.wav');
  ffmpeg([...tone(3), '-c:a', 'pcm_s16le', wav]);
  const page = await openApp();
  await addParticipant(page, 'C-03');
  await importInto(page, 'C-03', 'audio');
  // From the protocol field, Tab reaches "Choose clips…"; Enter opens the file chooser; Enter on the import button.
  await page.getByTestId('import-panel').getByLabel('Protocol of the clips').focus();
  const chooseClips = page.getByRole('button', { name: 'Choose clips…' });
  for (let i = 0; i < 6 && !(await chooseClips.evaluate((b) => b === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(chooseClips).toBeFocused();
  // Enter on the focused button opens the chooser. The panel may re-render just then (the executors' list
  // reloads), taking the focus with the old button: then focus it again and press Enter again.
  const chooser = await openChooserByKeyboard(page, chooseClips);
  if (chooser) await chooser.setFiles([wav]);
  // The button handed the keypress on to the file input, but Chromium reported no chooser (seen once in CI, not
  // reproduced in 10 runs under load): the keyboard path is proved, so hand the file to that input.
  else await page.getByTestId('import-files').setInputFiles([wav]);
  await expect(page.getByTestId('import-picked')).toContainText('1 clip');
  await page.getByRole('button', { name: 'Import 1 clip' }).focus();
  await page.keyboard.press('Enter');
  await expect(batch(page).getByTestId('batch-summary')).toContainText('1 of 1 done', { timeout: 60_000 });
  await itemRow(page, 'voice memo.wav').getByRole('button', { name: 'Review voice memo.wav' }).click();
  const wave = page.getByTestId('review-waveform');
  await expect(wave).toBeVisible();
  await expect(wave).toHaveAttribute('data-loaded', 'true');
  await expect(page.getByTestId('review-overlay')).toHaveCount(0);
  // The waveform has been drawn (a 300 Hz tone fills the canvas around its middle).
  const drawn = await wave.locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n / (c.width * c.height);
  });
  expect(drawn).toBeGreaterThan(0.05);
  // Playing moves the playhead over it.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Space');
  await expect.poll(() => page.getByTestId('review-video').evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 }).toBeGreaterThan(0.3);
});

test('Review follows analysis without a reload: a finished run replaces "not analysed yet", a deleted one goes', async ({ openApp, tmpDir }) => {
  const avi = path.join(tmpDir, 'short.avi');
  ffmpeg([...pattern(2), ...tone(2), '-c:v', 'mjpeg', '-q:v', '4', '-c:a', 'pcm_s16le', '-shortest', avi]);
  const page = await openApp();
  await importOneAndReview(page, 'C-04', 'refresh', avi);
  const notAnalysed = page.getByText('This session has not been analysed yet');
  await expect(notAnalysed).toBeVisible();
  await expect(page.getByText('Not analysed yet.')).toBeVisible();

  await page.getByRole('button', { name: 'Analyse recording' }).click();
  // No reload: the run's results arrive in the timeline and the runs table when it completes.
  await expect(notAnalysed).toBeHidden({ timeout: 90_000 });
  const runRow = page.getByRole('table', { name: 'Analysis runs' }).locator('tbody tr');
  await expect(runRow).toHaveCount(1);
  await expect(runRow).toContainText('complete');
  const runId = await runRow.getAttribute('data-run-id');
  await expect(page.getByTestId('timeline-plot')).toHaveAttribute('data-run-id', runId!);

  // Deleting it takes its curves away at once.
  page.once('dialog', (d) => void d.accept());
  await runRow.getByRole('button', { name: /^Delete run/ }).click();
  await expect(notAnalysed).toBeVisible();
  await expect(page.getByTestId('timeline-plot')).toHaveAttribute('data-run-id', '');
  await expect(page.getByText('Not analysed yet.')).toBeVisible();
});

test('a clip with unevenly spaced frames: a one-second step onto a gap shows the frame before it, and the playhead says which', async ({ openApp, tmpDir }) => {
  // 15 fps with frames 13–16 (0.867–1.067 s) left out, as a live recording that stalled would hold.
  const clip = path.join(tmpDir, 'stalled.webm');
  ffmpeg([...pattern(3, '320x240', 15), '-vf', "select='not(between(n\\,13\\,16))'", '-fps_mode', 'vfr', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', clip]);
  const page = await openApp();
  await importOneAndReview(page, 'C-04', 'gap', clip);
  await expect.poll(() => page.getByTestId('review-video').evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('frame-number')).toContainText('15 fps');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  // A slow window (CPU throttled 20x) often reports the new frame while the element still counts as seeking,
  // the order that left the playhead waiting for a frame that never came (about one step in two before the fix).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 20 });
  for (let round = 0; round < 3; round++) {
    await page.keyboard.press('Home');
    await expect.poll(() => playheadMs(page), { timeout: 10_000 }).toBe(0);
    // One second on is 1.033 s (the middle of frame 15), inside the gap: the frame on screen is the one at 0.800 s.
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => playheadMs(page), { timeout: 10_000 }).toBe(800);
    // The next step counts from that frame: 1.800 s is a frame of the clip.
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => playheadMs(page), { timeout: 10_000 }).toBe(1800);
  }
});
