import { ensureConsoleBuilt } from '../../scripts/build-console.js';

/** Vitest global setup: the console's bundle is built (once, when stale) before any test file runs, so no two files build it at once. */
export default async function setup(): Promise<void> {
  await ensureConsoleBuilt();
}
