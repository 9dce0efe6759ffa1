import { addParticipant, createSession, expect, test } from './fixtures/app.js';

test.describe('when camera and microphone access is refused', () => {
  test.use({ mediaAccess: 'denied' });

  test('Capture says so, offers to try again and cannot start recording', async ({ openApp }) => {
    const page = await openApp();
    await addParticipant(page, 'P-0401');
    await createSession(page, { participant: 'P-0401', protocol: 'Baseline' });
    await expect(page.getByRole('alert')).toContainText('Access to the camera or microphone was refused');
    await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Start recording' })).toBeDisabled();
    // The shortcut does nothing either.
    await page.keyboard.press('r');
    await expect(page.getByRole('button', { name: 'Stop recording' })).toHaveCount(0);
    await expect(page.locator('[data-status]').first()).toHaveText('Not recorded');
  });
});
