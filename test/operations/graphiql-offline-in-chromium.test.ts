import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, offlinePage } from '../support/chromium.js';
import { startDemoInBrowser, type DemoInBrowser } from '../support/demo-in-browser.js';

describe('GraphiQL works without internet access: demo key in its headers, the demo query runs and shows data', () => {
  let demo: DemoInBrowser;

  beforeAll(async () => {
    demo = await startDemoInBrowser();
  }, 60_000);
  afterAll(() => demo?.close());

  it('loads nothing from another host, renders the editor, and runs the demo query', async () => {
    const { gateway } = demo;
    const { page, elsewhere, pageErrors } = await offlinePage(demo.browser, gateway.url, { width: 1600, height: 900 });
    const refusedByPolicy: string[] = [];
    page.on('console', (message) => message.text().includes('Content Security Policy') && refusedByPolicy.push(message.text()));
    const workers: string[] = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    // Monaco draws spaces as no-break spaces.
    const text = async (selector: string) => (await page.locator(selector).innerText()).replace(/\u00a0/g, ' ');

    await page.goto(gateway.graphqlUrl);
    await page.waitForSelector('.graphiql-query-editor .view-lines', { timeout: 30_000 });
    await expect.poll(() => text('.graphiql-editor-tool'), { timeout: 10_000 }).toContain(`"Bearer ${demo.demo.apiKey}"`);
    expect(await text('.graphiql-query-editor')).toContain('query NewestBackups');

    await page.click('.graphiql-execute-button');
    await expect.poll(() => text('.graphiql-response'), { timeout: 20_000 }).toContain('"backups"');
    const response = await text('.graphiql-response');
    expect(response).toContain('"provider"');
    expect(response).not.toContain('"errors"');

    await page.screenshot({ path: `${ARTIFACTS}/graphiql-demo-query.png` });
    expect(elsewhere).toEqual([]);
    // Everything ran under the page's CSP (no inline script, no eval), Monaco's workers from the gateway's files.
    expect(refusedByPolicy).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(workers.length).toBeGreaterThan(0);
    expect(workers.every((url) => url.startsWith(`${gateway.url}/graphiql/assets/`))).toBe(true);
    const html = await (await fetch(gateway.graphqlUrl, { headers: { accept: 'text/html' } })).text();
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
  }, 60_000);

  it('shows the whole demo query at 1280 px: no line reaches past the editor\'s right edge', async () => {
    const { page } = await offlinePage(demo.browser, demo.gateway.url, { width: 1280, height: 800 });
    await page.goto(demo.gateway.graphqlUrl);
    await page.waitForSelector('.graphiql-query-editor .view-lines .view-line', { timeout: 30_000 });
    const { lines, widest, edge } = await page.evaluate(() => {
      const editor = document.querySelector('.graphiql-query-editor .monaco-editor')!.getBoundingClientRect();
      const spans = [...document.querySelectorAll('.graphiql-query-editor .view-line > span')];
      // The run, prettify and copy buttons stand over the editor's right side: text must end before them.
      const toolbar = document.querySelector('.graphiql-toolbar')?.getBoundingClientRect().left ?? editor.right;
      return { lines: spans.length, widest: Math.max(...spans.map((span) => span.getBoundingClientRect().right)), edge: Math.min(editor.right, toolbar) };
    });
    expect(lines).toBeGreaterThan(5);
    expect(widest).toBeLessThanOrEqual(edge);
    await page.screenshot({ path: `${ARTIFACTS}/graphiql-demo-query-1280.png` });
    await page.close();
  }, 60_000);
});
