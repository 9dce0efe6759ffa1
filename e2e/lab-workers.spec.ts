import { type ChildProcess, execFileSync } from 'node:child_process';
import path from 'node:path';
import { addParticipant, createSession, expect, test } from './fixtures/app.js';
import { FFMPEG, REPO_ROOT } from './fixtures/paths.js';
import { redisServerMissing, startRedis } from '../src-main/core/test-support/redis-server.js';
import { spawnTied, stopChild } from '../src-main/core/test-support/tied-process.js';

/**
 * Lab workers from the app (browser mode): connect the Sessions view to a real redis-server, send a session with
 * an imported clip, and watch a real `affect worker` process (the shipped CLI) take it; the panel shows the job
 * done by that worker and the result is stored in the session.
 */
const missing = redisServerMissing();

test('sends a session to a lab worker and shows the job and the worker until the result is stored', async ({ openApp, tmpDir }) => {
  test.skip(missing !== null, missing ?? '');
  const redis = await startRedis();
  let worker: ChildProcess | null = null;
  try {
    const clip = path.join(tmpDir, 'interview.webm');
    execFileSync(FFMPEG, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus', '-shortest', clip]);

    const page = await openApp();
    await addParticipant(page, 'P-0401');
    const sessionId = await createSession(page, { participant: 'P-0401', protocol: 'Interview' });
    await page.goto(`${page.url().replace(/#.*$/, '')}#/review/${sessionId}`);
    await page.locator('input[type="file"]').setInputFiles(clip);
    await expect(page.getByRole('region', { name: 'Recording', exact: true })).toContainText(/clip-[0-9a-f]{16}\.webm/);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
    const panel = page.getByRole('region', { name: 'Lab workers' });
    await panel.getByLabel('Redis address').fill(redis.url);
    await panel.getByLabel('Redis password').fill('wrong');
    await panel.getByRole('button', { name: 'Connect' }).click();
    await expect(panel.getByRole('alert')).toContainText(/Cannot reach the lab queue/);
    await panel.getByLabel('Redis password').fill(redis.password);
    await panel.getByRole('button', { name: 'Connect' }).click();
    await expect(panel.getByTestId('queue-connection')).toHaveText(`Connected to ${redis.url}, queue affect-analysis`);
    await expect(panel.getByText('No worker is connected to this queue.')).toBeVisible();

    worker = spawnTied(process.execPath, [path.join(REPO_ROOT, 'out', 'main', 'cli.js'), 'worker', '--redis', redis.url, '--provider', 'cpu', '--name', 'lab-pc-7'], {
      env: { ...process.env, AFFECT_REDIS_PASSWORD: redis.password },
      stdio: 'ignore',
    });
    await expect(panel.getByRole('table', { name: 'Workers' }).locator('tr[data-worker="lab-pc-7"]')).toContainText('yes', { timeout: 60_000 });

    await panel.getByText('Send sessions to the lab workers').click();
    await panel.getByRole('checkbox', { name: new RegExp(`Session ${sessionId} `) }).check();
    await panel.getByRole('button', { name: 'Send 1 session' }).click();
    await expect(panel.getByRole('status')).toContainText('Sent 1 session to the lab workers.');
    const job = panel.getByRole('table', { name: 'Lab jobs' }).locator('tr[data-job]');
    await expect(job).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
    await expect(job).toContainText('lab-pc-7');
    await expect(panel.getByTestId('queue-counts')).toHaveText('0 waiting · 0 active · 1 done · 0 failed');
    await expect(panel.locator('tr[data-worker="lab-pc-7"] td').nth(3)).toHaveText('1');

    // The run is the session's, as if analysed here.
    await page.goto(`${page.url().replace(/#.*$/, '')}#/review/${sessionId}`);
    await expect(page.getByRole('button', { name: /^Export run \d+ as CSV$/ })).toBeEnabled();
    await expect(page.getByRole('cell', { name: 'complete', exact: true })).toBeVisible();
  } finally {
    if (worker) await stopChild(worker);
    await redis.stop();
  }
});
