import { expect, test } from './fixtures/app.js';

test('the interface language follows the system and can be chosen in Settings; the choice is kept', async ({ openApp }) => {
  const page = await openApp('#/settings');
  // The test browser's system language is English.
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.getByLabel('Interface and report language').selectOption('zh-CN');
  await expect(page.getByRole('heading', { name: '设置' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('button', { name: '会话', exact: true })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

  // Kept with the data: a reload (or the next start) opens in Chinese.
  await page.reload();
  await expect(page.getByRole('heading', { name: '设置' })).toBeVisible();
  await page.getByRole('navigation', { name: '主导航' }).getByRole('button', { name: '会话', exact: true }).click();
  await expect(page.getByRole('heading', { name: '会话', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: '添加受试者' })).toBeVisible();
  // The core's refusals read in Chinese too.
  await page.getByRole('button', { name: '添加受试者' }).click();
  await expect(page.getByRole('alert')).toHaveText('受试者编号不能为空');

  await page.getByRole('navigation', { name: '主导航' }).getByRole('button', { name: '设置' }).click();
  await page.getByLabel('界面与报告语言').selectOption('system');
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
});
