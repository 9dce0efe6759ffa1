import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { addParticipant, createSession, expect, loadedDuration, test, waitForPreview } from './fixtures/app.js';
import { chooseOperator } from './fixtures/governance.js';
import { FFMPEG, FFPROBE } from './fixtures/paths.js';
import { ffprobeReads } from '../src-main/core/test-support/sealed-probe.js';

const run = promisify(execFile);
const PASSPHRASE = 'correct horse battery staple';
const CODE = 'P-ENC-4711';
const NOTE = 'Mentions tremor since March';
const EBML = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
/** Headers of the clips imported: RIFF (AVI, WAV) and their form types. */
// What every clear WebM, WAV or AVI holds, in needles of 8 bytes (a 4-byte one turns up by chance in a few MB of
// ciphertext: "WAVE" did, at byte 18,219 of a sealed WAV), or anchored at the start of the file.
const CLEAR_MARKERS = [Buffer.from([0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01]), ...['WAVEfmt ', 'AVI LIST'].map((h) => Buffer.from(h, 'latin1'))];
const CLEAR_STARTS = [EBML, Buffer.from('RIFF', 'latin1')];

function everyFile(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((n) => path.join(dir, n)).filter((f) => statSync(f).isFile());
}

// The app starts as on a user's first start: nothing stored yet, the passphrase is asked for in the page.
test.use({ vault: 'setup' });

test('a new data folder is encrypted: nothing readable on disk, locked serves nothing, and the session plays and exports after unlocking', async ({ appContext, server, tmpDir }) => {
  test.setTimeout(180_000);
  const page = await appContext.newPage();
  await page.goto(server.url);

  // Set-up: the loss warning is there before anything is stored.
  await expect(page.getByRole('heading', { name: 'Protect this data folder' })).toBeVisible();
  await expect(page.getByRole('note')).toContainText('If you lose both the passphrase and the recovery key, the data in this folder is lost');
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Passphrase again').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Encrypt and continue' }).click();
  const recoveryKey = (await page.getByTestId('recovery-key').textContent())!.trim();
  expect(recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
  await expect(page.getByRole('button', { name: 'Continue' })).toBeDisabled();
  await page.getByLabel('I have stored the recovery key').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await chooseOperator(page);

  // A participant with a known code, a session with a known note, 4 s recorded from the camera.
  await addParticipant(page, CODE);
  const sessionId = await createSession(page, { participant: CODE, protocol: 'Screening', note: NOTE });
  await waitForPreview(page);
  await page.getByRole('button', { name: 'Start recording' }).click();
  await expect(page.getByRole('button', { name: 'Stop recording' })).toBeVisible();
  // 4 s by the app's own recording clock, however slowly a loaded machine shows it.
  await expect(page.getByTestId('elapsed')).toHaveText(/^00:(0[4-9]|[1-5]\d)$/, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await expect(page.getByText(/Recording saved: /)).toBeVisible({ timeout: 30_000 });

  // Clips imported from Sessions for the same participant: an MJPEG/PCM AVI (the app makes a playable copy of
  // it) and an audio-only WAV, their file names holding the participant's code.
  const avi = path.join(tmpDir, `${CODE} interview.avi`);
  const wav = path.join(tmpDir, `${CODE} voice.wav`);
  const lavfi = (src: string) => ['-f', 'lavfi', '-i', src];
  await run(FFMPEG, ['-v', 'error', '-y', ...lavfi('testsrc2=size=320x240:rate=25:duration=3'), ...lavfi('sine=frequency=300:sample_rate=44100:duration=3'), '-c:v', 'mjpeg', '-q:v', '4', '-c:a', 'pcm_s16le', '-shortest', avi]);
  await run(FFMPEG, ['-v', 'error', '-y', ...lavfi('sine=frequency=300:sample_rate=44100:duration=3'), '-c:a', 'pcm_s16le', wav]);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
  const panel = page.getByTestId('import-panel');
  await panel.getByLabel('Participant of the clips').selectOption({ label: CODE });
  await panel.getByLabel('Protocol of the clips').fill('corpus');
  await panel.getByLabel('Analyse each clip once it is imported').setChecked(false);
  await page.getByTestId('import-files').setInputFiles([avi, wav]);
  await page.getByRole('button', { name: 'Import 2 clips' }).click();
  await expect(page.getByTestId('work-queue').locator('article').first().getByTestId('batch-summary')).toContainText('2 of 2 done', { timeout: 90_000 });

  // On disk: neither the code nor the note nor a WebM/Matroska or RIFF header, in any file of the data folder.
  const files = everyFile(server.dataDir);
  expect(files.some((f) => f.endsWith(path.join(String(sessionId), 'recording.webm')))).toBe(true);
  const copyFile = files.find((f) => f.endsWith('.playable.webm'));
  expect(copyFile, 'the AVI\'s playable copy').toBeDefined();
  expect(files.filter((f) => /clip-[0-9a-f]{16}\.(avi|wav)$/.test(f))).toHaveLength(2);
  for (const f of files) {
    const bytes = readFileSync(f);
    expect(bytes.includes(CODE), `${CODE} in ${f}`).toBe(false);
    expect(bytes.includes(NOTE), `note in ${f}`).toBe(false);
    for (const h of CLEAR_STARTS) expect(bytes.subarray(0, h.length).equals(h), `${h.toString('hex')} at the start of ${f}`).toBe(false);
    for (const h of CLEAR_MARKERS) expect(bytes.includes(h), `${h.toString('latin1')} (clear media) in ${f}`).toBe(false);
  }
  // ffprobe reads none of the stored media: the recording, both clips and the copy.
  const storedMedia = files.filter((f) => f.startsWith(path.join(server.dataDir, 'sessions') + path.sep));
  expect(storedMedia.length).toBeGreaterThanOrEqual(4);
  for (const f of storedMedia) {
    const seen = await ffprobeReads(FFPROBE, f);
    expect(seen.readable, `${f}: ${seen.said}`).toBe(false);
  }

  // Lock: the lock screen, and the recording's address answers nothing.
  const mediaUrl = `/media/${sessionId}/recording.webm`;
  await page.getByRole('button', { name: /Lock/ }).click();
  await expect(page.getByRole('heading', { name: 'Affect Studio is locked' })).toBeVisible();
  expect(await page.evaluate(async (u) => (await fetch(u, { headers: { Range: 'bytes=0-99' } })).status, mediaUrl)).toBe(423);
  await page.getByLabel('Passphrase', { exact: true }).fill('not the passphrase');
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('does not open this data folder');
  await page.getByRole('button', { name: 'Use the recovery key instead' }).click();
  await page.getByLabel('Recovery key').fill(recoveryKey.toLowerCase());
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
  // The operator chosen before locking is remembered on this machine.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toBeVisible();

  // Unlocked: byte ranges of the recording come back decrypted (206), and the player loads and seeks it.
  const ranged = await page.evaluate(async (u) => {
    const r = await fetch(u, { headers: { Range: 'bytes=0-3' } });
    const far = await fetch(u, { headers: { Range: 'bytes=100000-100099' } });
    return { status: r.status, head: [...new Uint8Array(await r.arrayBuffer())], farStatus: far.status, farLength: (await far.arrayBuffer()).byteLength, range: far.headers.get('content-range') };
  }, mediaUrl);
  expect(ranged).toMatchObject({ status: 206, head: [...EBML], farStatus: 206, farLength: 100 });
  expect(ranged.range).toMatch(/^bytes 100000-100099\/\d+$/);
  // …and so does the AVI's playable copy.
  const copyUrl = `/media/${path.basename(path.dirname(copyFile!))}/${path.basename(copyFile!)}`;
  const copyRanged = await page.evaluate(async (u) => {
    const r = await fetch(u, { headers: { Range: 'bytes=0-3' } });
    const mid = await fetch(u, { headers: { Range: 'bytes=20000-20999' } });
    return { status: r.status, head: [...new Uint8Array(await r.arrayBuffer())], midStatus: mid.status, midLength: (await mid.arrayBuffer()).byteLength };
  }, copyUrl);
  expect(copyRanged).toEqual({ status: 206, head: [...EBML], midStatus: 206, midLength: 1000 });
  await page.goto(`${new URL(server.url).origin}/#/review/${sessionId}`);
  await expect(nav).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Review' })).toBeVisible();
  const duration = await loadedDuration(page, 'Session recording');
  expect(duration).toBeGreaterThan(3);
  await page.getByLabel('Session recording').evaluate((v: HTMLVideoElement) => new Promise<void>((resolve) => {
    v.addEventListener('seeked', () => resolve(), { once: true });
    v.currentTime = v.duration - 1;
  }));
  await expect.poll(() => page.getByLabel('Session recording').evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(2);

  // Export: the live analysis run's CSV, in clear, in the folder chosen, with the participant's code.
  await expect(page.getByText('Exports are written unencrypted to the folder you choose.').first()).toBeVisible();
  const outDir = path.join(tmpDir, 'chosen-export');
  await page.getByLabel('Export folder').fill(outDir);
  await page.getByRole('button', { name: /^Export run \d+ as CSV$/ }).first().click();
  await expect(page.getByText(/^Wrote \d+ files? to /)).toBeVisible({ timeout: 30_000 });
  const exported = everyFile(outDir);
  const timeline = exported.find((f) => f.endsWith('_timeline.csv'))!;
  const rows = parse(readFileSync(timeline, 'utf8'), { columns: true }) as Record<string, string>[];
  expect(rows.length).toBeGreaterThan(10);
  const summary = exported.find((f) => f.endsWith('_summary.csv'))!;
  expect(readFileSync(summary, 'utf8')).toContain(CODE);
  expect(everyFile(server.dataDir).some((f) => readFileSync(f).includes(CODE))).toBe(false);
});
