import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { addParticipant, createSession, expect, test, waitForPreview } from './fixtures/app.js';
import { readLiveStats } from './fixtures/live-stats.js';
import { FFMPEG } from './fixtures/paths.js';

const run = promisify(execFile);

const MEDIA_DIR = path.join(os.tmpdir(), `affect-e2e-live-voice-${process.pid}`);
const SPEECH_WAV = path.join(MEDIA_DIR, 'speech.wav');
const SENTENCE = 'I did not expect the results to come back so quickly, and honestly I am still a little surprised by all of it.';

test.describe('live voice analysis', () => {
  test.use({ fakeMediaFiles: { audioWav: SPEECH_WAV } });

  test.beforeAll(async () => {
    mkdirSync(MEDIA_DIR, { recursive: true });
    const raw = path.join(MEDIA_DIR, 'espeak.wav');
    await run('espeak-ng', ['-v', 'en', '-s', '150', '-w', raw, SENTENCE]);
    // 48 kHz 16-bit mono, the format Chromium's fake microphone expects; it loops the file.
    await run(FFMPEG, ['-v', 'error', '-y', '-i', raw, '-ar', '48000', '-ac', '1', '-c:a', 'pcm_s16le', SPEECH_WAV]);
  });
  test.afterAll(() => rmSync(MEDIA_DIR, { recursive: true, force: true }));

  test('detects speech from the microphone and shows it in the voice panel', async ({ openApp }) => {
    const page = await openApp();
    await addParticipant(page, 'P-VOICE');
    await createSession(page, { participant: 'P-VOICE', protocol: 'Live voice' });
    await waitForPreview(page);

    const panel = page.getByRole('region', { name: 'Voice analysis' });
    await expect(panel).toBeVisible();
    // A window with speech: the indicator says so and the voice emotion bars appear.
    await expect(panel.getByText('Speaking', { exact: true })).toBeVisible({ timeout: 60_000 });
    await expect(panel.getByRole('list', { name: 'Voice emotion estimate' }).locator('li')).toHaveCount(7, { timeout: 30_000 });
    await expect(page.getByTestId('voice-latency-ms')).toHaveText(/^\d+ ms$/);
    await page.waitForTimeout(4000);
    const s = await readLiveStats(page);
    console.log(`live voice: latency median ${s.voiceMedianMs?.toFixed(0)} ms, p95 ${s.voiceP95Ms?.toFixed(0)} ms (window end to arrival)`);
    expect(s.voiceMedianMs).not.toBeNull();
  });
});
