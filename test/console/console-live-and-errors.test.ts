import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../support/stack.js';
import { startThreeVendorStack } from '../cross-vendor/three-vendors.js';
import { ARTIFACTS, launchChromium, offlinePage, rowKinds } from '../support/chromium.js';

/**
 * The console on a configured gateway (`server.console: true`): the person types the API key, then
 * filters, creates, reads validation errors and sees a vendor go down, all through the real page.
 */
describe('the console on a configured gateway: key prompt, filters, live creation, field errors, a vendor down', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    // Jobs long enough that the row is on screen as CREATING before it turns AVAILABLE.
    stack = await startThreeVendorStack({ zstack: { jobDurationMs: 2_000 }, extra: { server: { port: 0, host: '127.0.0.1', console: true } } });
    browser = await launchChromium();
    ({ page, pageErrors } = await offlinePage(browser, stack.gateway.url));
    await page.goto(`${stack.gateway.url}/console`);
    await page.getByLabel('API key').fill(stack.apiKey);
    await page.getByRole('button', { name: 'Open console' }).click();
    await page.locator('tbody tr').first().waitFor({ timeout: 30_000 });
  }, 60_000);
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await stack?.close();
  });

  it('keeps the key in session storage only', async () => {
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('backupgraph.apiKey'), local: localStorage.length, cookie: document.cookie }));
    expect(stored).toEqual({ session: stack.apiKey, local: 0, cookie: '' });
  });

  it('a provider filter narrows the list to that provider', async () => {
    await expect.poll(async () => new Set(await rowKinds(page)).size, { timeout: 20_000 }).toBe(3);
    const before = (await rowKinds(page)).length;
    await page.locator('#filter-provider').selectOption({ label: 'tdb' });
    await expect.poll(async () => new Set(await rowKinds(page)), { timeout: 20_000 }).toEqual(new Set(['HUAWEI_TAURUSDB']));
    expect((await rowKinds(page)).length).toBeLessThan(before);
    await page.locator('#filter-provider').selectOption({ label: 'All' });
    await expect.poll(async () => new Set(await rowKinds(page)).size, { timeout: 20_000 }).toBe(3);
  }, 60_000);

  it('a ZStack volume backup appears as CREATING and turns AVAILABLE without a reload; its job ends SUCCEEDED', async () => {
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await page.getByLabel('What').selectOption('volumeBackup');
    const zstackVolume = page.locator('#create-source option', { hasText: '· zs' }).first();
    await page.locator('#create-source').selectOption(await zstackVolume.getAttribute('value'));
    await page.locator('#create-storage').selectOption({ index: 1 });
    await page.getByLabel('Name', { exact: true }).fill('console-live-1');
    await page.getByRole('button', { name: 'Start' }).click();

    const row = page.locator('tbody tr[data-backup="console-live-1"]');
    await expect.poll(() => row.locator('.badge').getAttribute('data-status'), { timeout: 20_000 }).toBe('CREATING');
    await page.screenshot({ path: `${ARTIFACTS}/console-backup-creating.png` });
    await expect.poll(() => row.locator('.badge').getAttribute('data-status'), { timeout: 20_000 }).toBe('AVAILABLE');
    await expect.poll(() => page.locator('.job').first().getAttribute('data-status'), { timeout: 20_000 }).toBe('SUCCEEDED');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  }, 60_000);

  it('a VBS name that breaks the vendor rule shows its error beside the name field, and nothing reaches VBS', async () => {
    stack.clearUpstreamRequests();
    await page.getByLabel('What').selectOption('volumeBackup');
    const vbsVolume = page.locator('#create-source option', { hasText: '· vbs' }).first();
    await page.locator('#create-source').selectOption(await vbsVolume.getAttribute('value'));
    await expect(page.locator('#create-name-rule').innerText()).resolves.toContain('letters, digits, _ and -');
    await page.getByLabel('Name', { exact: true }).fill('not a valid name!');
    await page.getByRole('button', { name: 'Start' }).click();

    const error = page.locator('#create-name-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.innerText()).toMatch(/VolumeBackup\.\d{4}/);
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-describedby')).toContain('create-name-error');
    await page.screenshot({ path: `${ARTIFACTS}/console-validation-error.png` });
    expect(stack.upstreamRequests().filter((r) => r.vendor === 'vbs' && r.method === 'POST')).toEqual([]);
  }, 60_000);

  it('with TaurusDB stopped, a notice names it, the ZStack and VBS rows are still listed, and the health strip marks it', async () => {
    await stack.taurusDb!.close();
    await page.locator('#filter-name').fill('');
    await page.locator('#filter-kind').selectOption('VOLUME');
    await page.locator('#filter-kind').selectOption('');
    const notice = page.locator('[data-failed-provider="tdb"]');
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.innerText()).toContain('tdb is not answering');
    expect(new Set(await rowKinds(page))).toEqual(new Set(['ZSTACK', 'HUAWEI_VBS']));
    await expect.poll(() => page.locator('.health .chip[data-provider="tdb"]').innerText(), { timeout: 20_000 }).toContain('not answering');
    await page.screenshot({ path: `${ARTIFACTS}/console-provider-down.png` });
  }, 60_000);
});
