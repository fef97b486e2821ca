import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { API_KEY, BODY, gatewayConfig, peerSettings, ZSTACK_PASSWORD } from './dashboard-peers.js';
import type { SimulatorUrls } from './peers/simulators.js';
import { ask, buildForBench, cpuMs, forkPeer, startGateway, stop } from './support/processes.js';

/**
 * Many consoles on one dashboard: N consoles (100) each ask for the 50-backup dashboard every
 * `--interval-ms` (2,000), starting at spread-out moments, for `--seconds` (20). One after the
 * other over the same simulators: backupgraph with its response cache (TTL = the interval),
 * backupgraph without it, and Apollo Server + DataLoader. Prints vendor requests per second (the
 * simulators' request log), the consoles' p50/p99 and the server's CPU per answer.
 *
 * Options: --consoles N, --seconds S, --interval-ms MS.
 */

interface Run {
  name: string;
  vendorRequestsPerSecond: number;
  answersPerSecond: number;
  p50: number;
  p99: number;
  cpuMsPerAnswer: number;
  failures: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

/** One console: a dashboard every `intervalMs` from `offsetMs` on, until `until`; latencies in ms. */
async function pollingConsole(url: string, headers: Record<string, string>, offsetMs: number, intervalMs: number, until: number, latencies: number[]): Promise<number> {
  let failures = 0;
  await sleep(offsetMs);
  for (let next = Date.now(); next < until; next += intervalMs) {
    const started = performance.now();
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: BODY });
      const body = (await response.json()) as { errors?: unknown };
      if (!response.ok || body.errors) failures += 1;
      else latencies.push(performance.now() - started);
    } catch {
      failures += 1;
    }
    const wait = next + intervalMs - Date.now();
    if (wait > 0) await sleep(wait);
  }
  return failures;
}

async function consoles(
  name: string,
  target: { url: string; headers: Record<string, string>; pid: number },
  simulators: ChildProcess,
  options: { consoles: number; seconds: number; intervalMs: number },
): Promise<Run> {
  await ask(simulators, { count: true });
  const cpuBefore = cpuMs(target.pid);
  const started = Date.now();
  const until = started + options.seconds * 1_000;
  const latencies: number[] = [];
  const failures = await Promise.all(
    Array.from({ length: options.consoles }, (_, index) =>
      pollingConsole(target.url, target.headers, (index * options.intervalMs) / options.consoles, options.intervalMs, until, latencies),
    ),
  );
  const elapsed = (Date.now() - started) / 1_000;
  const { count } = await ask<{ count: number }>(simulators, { count: true });
  const sorted = latencies.sort((a, b) => a - b);
  return {
    name,
    vendorRequestsPerSecond: count / elapsed,
    answersPerSecond: latencies.length / elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    cpuMsPerAnswer: (cpuMs(target.pid) - cpuBefore) / Math.max(1, latencies.length),
    failures: failures.reduce((a, b) => a + b, 0),
  };
}

function printRuns(runs: Run[], options: { consoles: number; intervalMs: number }): void {
  const apollo = runs.find((run) => run.name === 'apollo-dataloader')!;
  console.log(`\n${options.consoles} consoles, each polling the dashboard (50 backups) every ${options.intervalMs} ms`);
  console.log('implementation         | vendor req/s | answers/s | p50 ms | p99 ms | CPU ms/answer | failures | vendor req/s ÷ apollo-dataloader');
  for (const run of runs) {
    console.log(
      [
        run.name.padEnd(22),
        run.vendorRequestsPerSecond.toFixed(1).padStart(12),
        run.answersPerSecond.toFixed(1).padStart(9),
        run.p50.toFixed(1).padStart(6),
        run.p99.toFixed(1).padStart(6),
        run.cpuMsPerAnswer.toFixed(2).padStart(13),
        String(run.failures).padStart(8),
        (run.vendorRequestsPerSecond / apollo.vendorRequestsPerSecond).toFixed(3).padStart(10),
      ].join(' | '),
    );
  }
}

export async function benchConsoles(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      consoles: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '20' },
      'interval-ms': { type: 'string', default: '2000' },
    },
  });
  const options = { consoles: Number(values.consoles), seconds: Number(values.seconds), intervalMs: Number(values['interval-ms']) };
  buildForBench();

  const work = mkdtempSync(join(tmpdir(), 'backupgraph-bench-'));
  const children: ChildProcess[] = [];
  try {
    const simulators = await forkPeer<{ urls: SimulatorUrls }>('bench/peers/simulators.js', {
      BENCH_SIMULATORS: JSON.stringify({ zstackPassword: ZSTACK_PASSWORD, extraZStackBackups: 150 }),
    });
    children.push(simulators.child);
    const { urls } = simulators.ready;
    const headers = { authorization: `Bearer ${API_KEY}` };
    const runs: Run[] = [];

    for (const [name, tenant] of [
      ['backupgraph, cache', { responseCache: { enabled: true, ttlMs: options.intervalMs } }],
      ['backupgraph, no cache', {}],
    ] as const) {
      const configPath = join(work, 'config.json');
      writeFileSync(configPath, JSON.stringify(gatewayConfig(urls, tenant)));
      const gateway = await startGateway(configPath, { ZS_PASSWORD: ZSTACK_PASSWORD }, []);
      children.push(gateway.child);
      runs.push(await consoles(name, { url: gateway.url, headers, pid: gateway.child.pid! }, simulators.child, options));
      await stop(gateway.child);
    }

    const apollo = await forkPeer<{ url: string }>('bench/peers/apollo.js', { BENCH_PEER: JSON.stringify(peerSettings(urls)), BENCH_PEER_MODE: 'dataloader' });
    children.push(apollo.child);
    runs.push(await consoles('apollo-dataloader', { url: apollo.ready.url, headers: {}, pid: apollo.child.pid! }, simulators.child, options));

    printRuns(runs, options);
  } finally {
    await Promise.all(children.map(stop));
    rmSync(work, { recursive: true, force: true });
  }
}
