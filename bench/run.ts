import { benchConsoles } from './consoles.js';
import { benchDashboard } from './dashboard.js';
import { benchDashboardPeers } from './dashboard-peers.js';
import { benchLiveStatus } from './live-status.js';

/**
 * `npm run bench [-- <name> [options]]`: the named benchmark with its options, or every benchmark
 * one after the other (they measure latency, so they must not share the machine). Not a test: it
 * prints figures and fails only when a benchmark cannot run.
 */
const BENCHMARKS: Record<string, (args: string[]) => Promise<void>> = {
  dashboard: () => benchDashboard(),
  'dashboard-peers': (args) => benchDashboardPeers(args),
  'dashboard-mixed': (args) => benchDashboardPeers(args, true),
  'live-status': () => benchLiveStatus(),
  consoles: (args) => benchConsoles(args),
};

const [name, ...args] = process.argv.slice(2);
if (name !== undefined && !(name in BENCHMARKS)) {
  console.error(`unknown benchmark ${name}; one of: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
for (const [benchmark, run] of Object.entries(BENCHMARKS)) {
  if (name !== undefined && benchmark !== name) continue;
  const started = Date.now();
  await run(name === undefined ? [] : args);
  console.log(`(${benchmark}: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
process.exit(0);
