import { addParticipant, expect, test } from './fixtures/app.js';

test('an empty participant code shows the error and creates nothing', async ({ openApp }) => {
  const page = await openApp();
  await page.getByRole('button', { name: 'Add participant' }).click();
  await expect(page.getByRole('alert')).toHaveText('Participant code must not be empty');
  await expect(page.getByLabel('Participant code')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('list', { name: 'Participants' })).toHaveCount(0);

  // Only blanks is empty too.
  await page.getByLabel('Participant code').fill('   ');
  await page.getByRole('button', { name: 'Add participant' }).click();
  await expect(page.getByRole('alert')).toHaveText('Participant code must not be empty');

  // A name instead of a pseudonymous code is refused with the reason.
  await page.getByLabel('Participant code').fill('Jane Doe');
  await page.getByRole('button', { name: 'Add participant' }).click();
  await expect(page.getByRole('alert')).toContainText('pseudonymous code, never a name');

  await page.reload();
  await expect(page.getByText('No participants yet.')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Participants' })).toHaveCount(0);
});

test('a duplicate participant code (any letter case) shows the error and creates nothing', async ({ openApp }) => {
  const page = await openApp();
  await addParticipant(page, 'P-0001');
  await page.getByLabel('Participant code').fill('p-0001');
  await page.getByRole('button', { name: 'Add participant' }).click();
  await expect(page.getByRole('alert')).toHaveText('Participant code "P-0001" already exists');
  // What was typed stays, so it can be corrected.
  await expect(page.getByLabel('Participant code')).toHaveValue('p-0001');

  await page.reload();
  const list = page.getByRole('list', { name: 'Participants' });
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list).toContainText('P-0001');
});

test('a session needs a participant and a protocol; its operator is the profile chosen at start', async ({ openApp }) => {
  const page = await openApp();
  await expect(page.getByTestId('session-operator')).toHaveText('Test Operator');
  await page.getByRole('button', { name: 'Create session' }).click();
  await expect(page.getByText('Choose a participant', { exact: true })).toBeVisible();
  await expect(page.getByText('Protocol must not be empty')).toBeVisible();

  await addParticipant(page, 'P-0002');
  await page.getByLabel('Participant', { exact: true }).selectOption({ label: 'P-0002' });
  await page.getByLabel('Protocol', { exact: true }).fill('   ');
  await page.getByRole('button', { name: 'Create session' }).click();
  await expect(page.getByText('Protocol must not be empty')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sessions', exact: true })).toBeVisible();

  await page.reload();
  await expect(page.getByText('No sessions yet. Create one above.')).toBeVisible();
});
