import type { Browser } from 'playwright-core';
import { startDemo, type Demo, type DemoOptions } from '../../src/demo.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { createGateway, type Gateway } from '../../src/server/gateway.js';
import { launchChromium } from './chromium.js';

/** The demo as `npm start` runs it (embedded simulators, demo key in GraphiQL and the console), and a browser. */
export interface DemoInBrowser {
  demo: Demo;
  gateway: Gateway;
  browser: Browser;
  close(): Promise<void>;
}

export async function startDemoInBrowser(options: Pick<DemoOptions, 'activityEveryMs'> = {}): Promise<DemoInBrowser> {
  const demo = await startDemo({ port: 0, host: '127.0.0.1', ...options });
  const gateway = await createGateway(demo.config, { graphiqlApiKey: demo.apiKey, logger: createLogger({ level: 'warn' }) });
  const browser = await launchChromium();
  return {
    demo,
    gateway,
    browser,
    async close() {
      await browser.close();
      await gateway.close();
      await demo.close();
    },
  };
}
