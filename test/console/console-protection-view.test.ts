import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { print } from 'graphql';
import { ConsoleProtectionDocument, type ConsoleProtectionQuery, type ConsoleProtectionQueryVariables, type ProtectionState } from '../../schema/client/graphql.js';
import { PROTECTION_PAGE_SIZE } from '../../console/src/page-sizes.js';
import { offlinePage } from '../support/chromium.js';
import { startDemoInBrowser, type DemoInBrowser } from '../support/demo-in-browser.js';

/**
 * The Protection view on the demo: every volume and database instance with the state, last and next
 * backup the API reports, narrowed by state and by provider. The expected rows are read from the
 * GraphQL API itself, never written into the test.
 */

type Row = { id: string; state: string; lastBackupAt: string | null; nextBackupAt: string | null };

describe('the console\'s Protection view on the demo', () => {
  let demo: DemoInBrowser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    // No "other console" making backups while rows are compared; the simulators' scheduled runs still go on.
    demo = await startDemoInBrowser({ activityEveryMs: null });
    ({ page, pageErrors } = await offlinePage(demo.browser, demo.gateway.url));
    await page.goto(`${demo.gateway.url}/console`);
    await page.locator('tbody tr').first().waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: 'Protection' }).click();
  }, 60_000);
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await demo?.close();
  });

  /** Every row the API reports for these arguments, page after page. */
  async function fromApi(variables: Omit<ConsoleProtectionQueryVariables, 'first' | 'after'> = {}): Promise<Row[]> {
    const rows: Row[] = [];
    let after: string | null = null;
    do {
      const response = await fetch(demo.gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.demo.apiKey}` },
        body: JSON.stringify({ query: print(ConsoleProtectionDocument), variables: { first: PROTECTION_PAGE_SIZE, after, ...variables } }),
      });
      const body = (await response.json()) as { data: ConsoleProtectionQuery; errors?: unknown };
      expect(body.errors).toBeUndefined();
      const connection = body.data.protectionReport;
      for (const edge of connection.edges) if (edge.node) rows.push({ id: edge.node.id, ...pick(edge.node.protection) });
      after = connection.pageInfo.hasNextPage ? (connection.pageInfo.endCursor ?? null) : null;
    } while (after);
    return rows;
  }

  const pick = ({ state, lastBackupAt, nextBackupAt }: Omit<Row, 'id'>) => ({ state, lastBackupAt, nextBackupAt });

  /** The rows on screen, sorted; while "Load more" is offered it is pressed, so the list ends up whole. */
  async function onScreen(): Promise<Row[]> {
    await page.locator('.table-wrap[aria-busy="false"]').waitFor({ timeout: 30_000 });
    const more = page.getByRole('button', { name: 'Load more' });
    if ((await more.isVisible()) && (await more.isEnabled())) await more.click();
    const rows = await page.locator('tbody tr').evaluateAll((trs) =>
      trs.map((row) => {
        const [last, next] = [...row.querySelectorAll('time')].map((time) => time.getAttribute('datetime'));
        return { id: row.getAttribute('data-resource')!, state: row.getAttribute('data-state')!, lastBackupAt: last ?? null, nextBackupAt: next ?? null };
      }),
    );
    return byId(rows);
  }

  const byId = (rows: Row[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));

  /**
   * The screen shows the rows the API gives for these arguments. The demo's scheduled runs go on
   * meanwhile, so a row's last and next backup may be what the API said just before or just after.
   */
  async function showsAsTheApi(variables: Parameters<typeof fromApi>[0] = {}, message?: string): Promise<Row[]> {
    const before = byId(await fromApi(variables));
    await page.locator('.table-wrap[aria-busy="false"]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Refresh' }).click();
    const identity = (rows: Row[]) => rows.map(({ id, state }) => ({ id, state }));
    await expect.poll(async () => identity(await onScreen()), { timeout: 30_000, message }).toEqual(identity(before));
    const screen = await onScreen();
    const after = byId(await fromApi(variables));
    screen.forEach((row, i) => expect([before[i], after[i]], message).toContainEqual(row));
    return before;
  }

  it('shows every volume and instance with the state, last and next backup the API reports, the demo holding protected and unprotected ones', async () => {
    const shown = await showsAsTheApi();
    expect(shown.map((row) => row.state)).toEqual(expect.arrayContaining(['PROTECTED', 'UNPROTECTED']));
    const badge = page.locator('tbody tr[data-state="UNPROTECTED"] .badge').first();
    expect(await badge.innerText()).toBe('UNPROTECTED');
    expect(await badge.getAttribute('class')).toContain('bad');
  }, 90_000);

  it('a state filter shows exactly the rows the API gives for that state', async () => {
    for (const state of ['UNPROTECTED', 'PROTECTED', 'STALE'] as ProtectionState[]) {
      await page.locator('#protection-state').selectOption(state);
      await showsAsTheApi({ states: [state] }, state);
    }
    await page.locator('#protection-state').selectOption('');
  }, 90_000);

  it('a provider filter shows exactly the rows the API gives for that provider, with a state filter on top', async () => {
    const options = await page.locator('#protection-provider option').evaluateAll((all) => all.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent })));
    const providers = options.filter((o) => o.value);
    expect(providers.length).toBeGreaterThanOrEqual(3);
    for (const provider of providers) {
      await page.locator('#protection-provider').selectOption(provider.value);
      await showsAsTheApi({ provider: provider.value }, provider.label ?? '');
    }
    const vbs = providers.find((p) => p.label === 'hw-vbs-demo')!;
    await page.locator('#protection-provider').selectOption(vbs.value);
    await page.locator('#protection-state').selectOption('UNPROTECTED');
    expect(await showsAsTheApi({ provider: vbs.value, states: ['UNPROTECTED'] })).not.toEqual([]);
  }, 120_000);
});
