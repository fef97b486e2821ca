import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startThreeVendorStack } from '../cross-vendor/three-vendors.js';
import { launchChromium, openConsoleAs } from '../support/chromium.js';
import type { Stack } from '../support/stack.js';

/**
 * The console reads `viewer { scopes }` and offers only what its key may do: a button the server
 * would refuse with FORBIDDEN is not shown at all.
 */
describe('the console offers only what its API key may do', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startThreeVendorStack({
      keys: [
        { key: 'key-console-reader', label: 'wallboard', scopes: ['read'] },
        { key: 'key-console-restorer', label: 'restorer', scopes: ['read', 'restore'] },
      ],
      extra: { server: { port: 0, host: '127.0.0.1', console: true } },
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** The console as `apiKey` opens it, once it knows the key's scopes (it shows the key's label then). */
  async function openAs(apiKey: string, label: string) {
    const { page, pageErrors } = await openConsoleAs(browser, stack.gateway.url, apiKey, label);
    await page.locator('tbody tr').first().waitFor({ timeout: 30_000 });
    return { page, pageErrors };
  }

  it('a read-only key sees the list without Restore, Delete or the create form', async () => {
    const { page, pageErrors } = await openAs('key-console-reader', 'wallboard');
    await page.getByText('may not start backups').waitFor({ timeout: 10_000 });
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: /^(Restore|Delete) / }).count()).toBe(0);
    expect(await page.locator('#create-name').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);

  it('a key with restore but not delete sees Restore and no Delete', async () => {
    const { page, pageErrors } = await openAs('key-console-restorer', 'restorer');
    await page.getByRole('button', { name: /^Restore / }).first().waitFor({ timeout: 10_000 });
    expect(await page.getByRole('button', { name: /^Delete / }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);

  it('a key without scope policy sees the policies but no policy form and no Edit, Targets or Delete on them', async () => {
    const { page, pageErrors } = await openAs('key-console-restorer', 'restorer');
    await page.getByRole('link', { name: 'Policies' }).click();
    await page.locator('tbody tr[data-policy]').first().waitFor({ timeout: 30_000 });
    await page.getByText('may not change policies').waitFor({ timeout: 10_000 });
    expect(await page.getByRole('button', { name: /^(Edit|Targets of|Delete) / }).count()).toBe(0);
    expect(await page.locator('#policy-create-name').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);

  it('the key with every scope sees Restore, Delete and Create, and the policy form and buttons', async () => {
    const { page } = await openAs(stack.apiKey, 'acme#0');
    await page.getByRole('button', { name: /^Delete / }).first().waitFor({ timeout: 10_000 });
    expect(await page.getByRole('button', { name: /^Restore / }).count()).toBeGreaterThan(0);
    expect(await page.locator('#create-name').count()).toBe(1);
    await page.getByRole('link', { name: 'Policies' }).click();
    await page.getByRole('button', { name: /^Edit / }).first().waitFor({ timeout: 30_000 });
    expect(await page.getByRole('button', { name: /^Targets of / }).count()).toBeGreaterThan(0);
    expect(await page.locator('#policy-create-name').count()).toBe(1);
    await page.close();
  }, 60_000);
});
