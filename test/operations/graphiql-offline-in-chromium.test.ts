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
});
