import { addParticipant, createSession, expect, test } from './fixtures/app.js';

test('the sessions list updates live, filters by participant and opens a new session in Capture', async ({ openApp }) => {
  const watcher = await openApp();
  await expect(watcher.getByText('No sessions yet. Create one above.')).toBeVisible();

  const operatorPage = await openApp();
  await addParticipant(operatorPage, 'P-0301');
  await addParticipant(operatorPage, 'P-0302');
  const sessionId = await createSession(operatorPage, { participant: 'P-0301', protocol: 'Picture naming', note: 'first visit' });

  // The other window shows the new session without a reload.
  const row = watcher.locator(`tr[data-session-id="${sessionId}"]`);
  await expect(row).toContainText('P-0301');
  await expect(row).toContainText('Picture naming');
  await expect(row.locator('[data-status]')).toHaveText('Not recorded');
  await expect(row.locator('[data-col="duration"]')).toHaveText('—');

  const filter = watcher.getByTestId('filter-participant');
  await filter.selectOption({ label: 'P-0302' });
  await expect(row).toHaveCount(0);
  await expect(watcher.getByText('No sessions match these filters.')).toBeVisible();
  await filter.selectOption({ label: 'P-0301' });
  await expect(row).toBeVisible();

  // A session without a recording opens in Capture.
  await row.getByRole('button', { name: /^Record session/ }).click();
  await expect(watcher.getByRole('heading', { name: 'Capture' })).toBeVisible();
  await expect(watcher).toHaveURL(new RegExp(`#/capture/${sessionId}$`));
});
