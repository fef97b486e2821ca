import { copyFileSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/server/gateway.js';
import { ARTIFACTS, offlinePage, rowKinds } from '../support/chromium.js';
import { startDemoInBrowser, type DemoInBrowser } from '../support/demo-in-browser.js';

/**
 * The console as `npm start` shows it, read at a desktop width (1280 px) and a phone's (420 px):
 * nothing wider than the window, dates on one line, names and job ids wrapping only where they may,
 * dropdowns as wide as their options, and the actions above the long list on a narrow screen.
 * Screenshots of both widths, light and dark, go to test-artifacts/; with UPDATE_DOCS_SCREENSHOT=1
 * the 1280 px light one also becomes the README's docs/console.png.
 */

const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 420, height: 800 };

async function openConsole(browser: Browser, gatewayUrl: string, viewport: { width: number; height: number }): Promise<{ page: Page; pageErrors: string[] }> {
  const { page, pageErrors } = await offlinePage(browser, gatewayUrl, viewport);
  await page.goto(`${gatewayUrl}/console`);
  // Rows of all four demo vendors are in: the page has its full width of content.
  await expect.poll(async () => new Set(await rowKinds(page)).size, { timeout: 30_000 }).toBe(4);
  await page.locator('#create-source option').nth(1).waitFor({ state: 'attached', timeout: 20_000 });
  await page.locator('.disk[data-vault="vault-disks"]').first().waitFor({ timeout: 20_000 });
  return { page, pageErrors };
}

/** How many lines the first `selector` takes: its height over that of its first piece (a job id's pieces are its parts between separators). */
const lineCount = (page: Page, selector: string) =>
  page.locator(selector).first().evaluate((element) => Math.round(element.getBoundingClientRect().height / element.firstElementChild!.getBoundingClientRect().height));

/** Elements inside `panel` that reach past its right edge (cut off, or widening the page). */
const pastRightEdge = (page: Page, panel: string) =>
  page.locator(panel).evaluate((container) => {
    const right = container.getBoundingClientRect().right;
    return [...container.querySelectorAll('*')].filter((element) => element.getBoundingClientRect().right > right + 0.5).map((element) => element.outerHTML.slice(0, 120));
  });

/** How far the page is wider than the window (0: no horizontal scrolling). */
const overflowX = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Inline elements that take more than one line box. */
const multiLine = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((elements) => elements.filter((element) => element.getClientRects().length > 1).map((element) => element.textContent));

describe('the console\'s layout on the demo, at 1280 and 420 px', () => {
  let demo: DemoInBrowser;
  let gateway: Gateway;
  let browser: Browser;
  const heights: string[] = [];

  beforeAll(async () => {
    demo = await startDemoInBrowser();
    ({ gateway, browser } = demo);
  }, 60_000);
  afterAll(async () => {
    writeFileSync(`${ARTIFACTS}/console-layout.txt`, `${heights.join('\n')}\n`);
    await demo?.close();
  });

  it('at 1280 px: no horizontal scrolling, dates on one line, names broken only at separators, the range filter on one row', async () => {
    const { page, pageErrors } = await openConsole(browser, gateway.url, WIDE);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    expect(await page.locator('td.when time').count()).toBeGreaterThan(5);
    expect(await multiLine(page, 'td.when time')).toEqual([]);
    // Each piece of a name between separators stays on one line.
    expect(await multiLine(page, 'td.name span')).toEqual([]);
    expect(await pastRightEdge(page, '.disks')).toEqual([]);
    const [from, to] = await page.locator('.filters .range label').evaluateAll((labels) => labels.map((label) => label.getBoundingClientRect().top));
    expect(to).toBe(from);

    await page.screenshot({ path: `${ARTIFACTS}/console-1280-light.png` });
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(`${ARTIFACTS}/console-1280-light.png`, 'docs/console.png');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${ARTIFACTS}/console-1280-dark.png` });
    heights.push(`1280 px: page ${await page.evaluate(() => document.documentElement.scrollHeight)} px tall`);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);

  it('dropdowns are as wide as their longest option', async () => {
    const { page } = await openConsole(browser, gateway.url, WIDE);
    for (const action of ['volumeBackup', 'databaseBackup', 'vmBackup', 'snapshot']) {
      await page.selectOption('#create-action', action);
      const clipped = await page.locator('.side select').evaluateAll((selects) => {
        const context = document.createElement('canvas').getContext('2d')!;
        return selects.flatMap((select) => {
          const style = getComputedStyle(select);
          context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          // The text area: the box less its padding and the arrow (about 20 px in Chromium).
          const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
          return [...(select as HTMLSelectElement).options].filter((option) => context.measureText(option.text).width > room).map((option) => option.text);
        });
      });
      expect(clipped, action).toEqual([]);
    }
    await page.close();
  }, 60_000);

  it('a create empties the form and its job id stays whole in the jobs drawer', async () => {
    const { page } = await openConsole(browser, gateway.url, WIDE);
    await page.selectOption('#create-action', 'databaseBackup');
    await page.locator('#create-source').selectOption({ index: 1 });
    await page.fill('#create-name', 'layoutcheck1');
    await page.fill('#create-description', 'from the layout test');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('.job').first().waitFor({ timeout: 20_000 });
    expect(await page.inputValue('#create-name')).toBe('');
    expect(await page.inputValue('#create-description')).toBe('');
    expect(await page.locator('.job-id').first().textContent()).toMatch(/\S{8,}/);
    expect(await lineCount(page, '.job-id')).toBe(1);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    await page.close();
  }, 60_000);

  it('a CBR protect job\'s long vendor id (protect:<vault>:<disk>) wraps at its separators inside the jobs drawer', async () => {
    const { page } = await openConsole(browser, gateway.url, WIDE);
    await page.getByRole('button', { name: 'Protect cache-data' }).click();
    await page.getByLabel('Vault for cache-data').selectOption({ label: 'vault-disks' });
    await page.getByRole('button', { name: 'Protect', exact: true }).click();
    await page.locator('.job').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('.job-id').first().textContent()).toMatch(/^protect:/);
    expect(await pastRightEdge(page, '.jobs')).toEqual([]);
    expect(await multiLine(page, '.job-id span')).toEqual([]);
    expect(await lineCount(page, '.job-id')).toBeGreaterThan(1);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    await page.close();
  }, 60_000);

  for (const viewport of [WIDE, NARROW]) {
    it(`the Protection and Policies views at ${viewport.width} px: no horizontal scrolling, dates on one line, and the policy form before the list when narrow`, async () => {
      const { page, pageErrors } = await openConsole(browser, gateway.url, viewport);
      await page.getByRole('link', { name: 'Protection' }).click();
      await page.locator('tbody tr[data-state]').first().waitFor({ timeout: 30_000 });
      expect(await page.locator('[aria-current="page"]').innerText()).toBe('Protection');
      expect(await overflowX(page)).toBeLessThanOrEqual(0);
      expect(await multiLine(page, 'td.when time')).toEqual([]);
      expect(await multiLine(page, 'td.name span')).toEqual([]);
      await page.screenshot({ path: `${ARTIFACTS}/console-protection-${viewport.width}.png`, fullPage: true });

      await page.getByRole('link', { name: 'Policies' }).click();
      await page.locator('tbody tr[data-policy]').first().waitFor({ timeout: 30_000 });
      await page.locator('#policy-create-provider').selectOption({ index: 1 });
      await page.locator('#policy-create-targetIds input').first().waitFor({ timeout: 20_000 });
      expect(await overflowX(page)).toBeLessThanOrEqual(0);
      expect(await multiLine(page, 'td.when time')).toEqual([]);
      // Every control of the policy form has an accessible name.
      const unlabelled = await page.locator('input, select').evaluateAll((controls) =>
        controls.filter((c) => !(c as HTMLInputElement).labels?.length && !c.getAttribute('aria-label')).map((c) => c.outerHTML),
      );
      expect(unlabelled).toEqual([]);
      if (viewport === NARROW) {
        const formTop = (await page.locator('#policy-create-title').boundingBox())!.y;
        expect(formTop).toBeLessThan((await page.locator('tbody tr').first().boundingBox())!.y);
      }
      await page.screenshot({ path: `${ARTIFACTS}/console-policies-${viewport.width}.png`, fullPage: true });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: `${ARTIFACTS}/console-policies-${viewport.width}-dark.png`, fullPage: true });
      expect(pageErrors).toEqual([]);
      await page.close();
    }, 60_000);
  }

  it('at 420 px: no horizontal scrolling, and Create and Jobs come before the long list', async () => {
    const { page, pageErrors } = await openConsole(browser, gateway.url, NARROW);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    expect(await pastRightEdge(page, '.disks')).toEqual([]);
    const createTop = (await page.locator('#create-title').boundingBox())!.y;
    const jobsTop = (await page.locator('#jobs-title').boundingBox())!.y;
    const firstRowTop = (await page.locator('tbody tr').first().boundingBox())!.y;
    expect(createTop).toBeLessThan(firstRowTop);
    expect(jobsTop).toBeLessThan(firstRowTop);
    // Reachable from the top of the page, without scrolling past any backup.
    expect(createTop).toBeLessThan(NARROW.height);

    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    heights.push(`420 px: page ${height} px tall, Create at ${Math.round(createTop)} px, first backup at ${Math.round(firstRowTop)} px`);
    await page.screenshot({ path: `${ARTIFACTS}/console-420-light.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${ARTIFACTS}/console-420-dark.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);
});
