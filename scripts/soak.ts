import { parseArgs } from 'node:util';
import { requestGrowth, runSoak, type SoakReport } from './soak/run-soak.js';

/**
 * `npm run soak [-- --mutations 10000 --concurrency 32 --fault-rate 0.1 --timeout-ms 1000]`:
 * the fault soak (scripts/soak/run-soak.ts) with its table printed.
 */

const { values } = parseArgs({
  options: {
    mutations: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '32' },
    'fault-rate': { type: 'string', default: '0.1' },
    'timeout-ms': { type: 'string', default: '1000' },
  },
});

const mutations = Number(values.mutations);
const step = Math.max(1, Math.floor(mutations / 20));
const report = await runSoak({
  mutations,
  concurrency: Number(values.concurrency),
  faultRate: Number(values['fault-rate']),
  timeoutMs: Number(values['timeout-ms']),
  progress: (done) => {
    if (done % step === 0) process.stderr.write(`  ${done}/${mutations}\n`);
  },
});
print(report);
const healthy =
  report.uncaughtExceptions === 0 &&
  report.unhandledRejections === 0 &&
  report.duplicates.length === 0 &&
  report.jobsNeverTerminal === 0 &&
  requestGrowth(report) <= 1.5;
process.exit(healthy ? 0 : 1);

function print(r: SoakReport): void {
  const rows: [string, string][] = [
    ['mutations', `${r.mutations} in ${(r.durationMs / 1000).toFixed(1)} s`],
    ['uncaught exceptions (process crashes)', String(r.uncaughtExceptions)],
    ['unhandled rejections', String(r.unhandledRejections)],
    ['duplicate vendor resources', r.duplicates.length === 0 ? '0' : r.duplicates.map(([what, n]) => `${what} x${n}`).join(', ')],
    ['vendor resources created', String(r.vendorCreations)],
    ['jobs never terminal', `${r.jobsNeverTerminal}${r.jobsNeverTerminal ? ` (${table(r.lostJobsByOperation)})` : ''}`],
    ['jobs by final status', table(r.jobsByStatus)],
    ['RSS before / after', `${r.rssBeforeMb} MB / ${r.rssAfterMb} MB`],
    ['heap used before / after', `${r.heapBeforeMb} MB / ${r.heapAfterMb} MB`],
    ['final answer per mutation', table(r.outcomes)],
    ['every answer (client retries included)', table(r.answers)],
    ['client retries', String(r.clientRetries)],
    ['mutation latency p50 / p99', `${r.latencyP50Ms} ms / ${r.latencyP99Ms} ms`],
    ['upstream requests', String(r.upstreamRequests)],
    ['upstream requests per mutation, by tenth', `${r.requestsPerMutationByTenth.join(' / ')} (last / first ${requestGrowth(r).toFixed(2)}, at most 1.5)`],
    ['log lines by level:message (30 info, 40 warn, 50 error)', `${table(r.logLines)}; ${(r.logBytes / 1024).toFixed(0)} KB`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
}

function table(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
}
