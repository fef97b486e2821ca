import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../src/demo.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { createGateway, type Gateway } from '../../src/server/gateway.js';
import { ARTIFACTS, launchChromium } from '../support/chromium.js';

describe('GraphiQL works without internet access: demo key in its headers, the demo query runs and shows data', () => {
  let demo: Demo;
  let gateway: Gateway;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemo({ port: 0, host: '127.0.0.1' });
    gateway = await createGateway(demo.config, { graphiqlApiKey: demo.apiKey, logger: createLogger({ level: 'warn' }) });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await demo?.close();
  });

  it('loads nothing from another host, renders the editor, and runs the demo query', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    // Monaco draws spaces as no-break spaces.
    const text = async (selector: string) => (await page.locator(selector).innerText()).replace(/\u00a0/g, ' ');
    const elsewhere: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(gateway.url) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });

    await page.goto(gateway.graphqlUrl);
    await page.waitForSelector('.graphiql-query-editor .view-lines', { timeout: 30_000 });
    await expect.poll(() => text('.graphiql-editor-tool'), { timeout: 10_000 }).toContain(`"Bearer ${demo.apiKey}"`);
    expect(await text('.graphiql-query-editor')).toContain('query NewestBackups');

    await page.click('.graphiql-execute-button');
    await expect.poll(() => text('.graphiql-response'), { timeout: 20_000 }).toContain('"backups"');
    const response = await text('.graphiql-response');
    expect(response).toContain('"provider"');
    expect(response).not.toContain('"errors"');

    await page.screenshot({ path: `${ARTIFACTS}/graphiql-demo-query.png` });
    expect(elsewhere).toEqual([]);
    const html = await (await fetch(gateway.graphqlUrl, { headers: { accept: 'text/html' } })).text();
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
  }, 60_000);
});
