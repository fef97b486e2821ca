import { benchDashboard } from './dashboard.js';
import { benchLiveStatus } from './live-status.js';

/**
 * `npm run bench`: every benchmark, one after the other (they measure latency, so they must not
 * share the machine). Not a test: it prints figures and fails only when a benchmark cannot run.
 */
const BENCHMARKS: [string, () => Promise<void>][] = [
  ['dashboard', benchDashboard],
  ['live-status', benchLiveStatus],
];

for (const [name, run] of BENCHMARKS) {
  const started = Date.now();
  await run();
  console.log(`(${name}: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
process.exit(0);
