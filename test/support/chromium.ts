import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's `chromium` package (`.ci/run` installs it when missing); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = 'test-artifacts';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A page that may reach only the gateway: every other URL is refused and recorded, and so is every uncaught page error. */
export async function offlinePage(
  browser: Browser,
  gatewayUrl: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ page: Page; elsewhere: string[]; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport });
  const elsewhere: string[] = [];
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(gatewayUrl) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  return { page, elsewhere, pageErrors };
}

/** The providers' kinds of the rows on screen. */
export function rowKinds(page: Page): Promise<string[]> {
  return page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-provider-kind') ?? ''));
}

/** The console of a configured gateway, opened with `apiKey` typed into its key prompt; resolves once it shows that key's label. */
export async function openConsoleAs(browser: Browser, gatewayUrl: string, apiKey: string, label: string): Promise<{ page: Page; elsewhere: string[]; pageErrors: string[] }> {
  const opened = await offlinePage(browser, gatewayUrl);
  await opened.page.goto(`${gatewayUrl}/console`);
  await opened.page.getByLabel('API key').fill(apiKey);
  await opened.page.getByRole('button', { name: 'Open console' }).click();
  await opened.page.locator(`[data-key-label="${label}"]`).waitFor({ timeout: 30_000 });
  return opened;
}
