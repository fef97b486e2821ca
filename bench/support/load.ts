import autocannon from 'autocannon';
import { cpuMs } from './processes.js';

/**
 * Load from autocannon in interleaved rounds: every round runs each variant once, in an order that
 * rotates from round to round, so drift on a shared machine falls on every variant alike.
 */

export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The server's process, whose CPU time per query is measured. */
  pid: number;
}

export interface Figures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** CPU time (user + system) the server process spent per answered query: immune to how busy the machine is. */
  cpuMsPerQuery: number;
  /** Non-2xx answers, socket errors and timeouts together. */
  failures: number;
}

export interface RoundOptions {
  connections: number;
  seconds: number;
  rounds: number;
}

export async function load(target: Target, connections: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: target.body,
    connections,
    duration: seconds,
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Req/s is the mean over rounds, latencies the median of the rounds' percentiles. */
export async function interleavedRounds(targets: readonly Target[], options: RoundOptions): Promise<Map<string, Figures>> {
  const results = new Map<string, (autocannon.Result & { cpuMs: number })[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    const order = targets.map((_, index) => targets[(index + round) % targets.length]!);
    for (const target of order) {
      const cpuBefore = cpuMs(target.pid);
      const result = await load(target, options.connections, options.seconds);
      results.get(target.name)!.push({ ...result, cpuMs: cpuMs(target.pid) - cpuBefore });
    }
    process.stdout.write(`  round ${round + 1}/${options.rounds} done (${options.connections} connections)\n`);
  }
  return new Map(
    [...results].map(([name, runs]) => [
      name,
      {
        requestsPerSecond: runs.reduce((sum, run) => sum + run.requests.average, 0) / runs.length,
        p50: median(runs.map((run) => run.latency.p50)),
        p99: median(runs.map((run) => run.latency.p99)),
        cpuMsPerQuery: runs.reduce((sum, run) => sum + run.cpuMs, 0) / runs.reduce((sum, run) => sum + run.requests.total, 0),
        failures: runs.reduce((sum, run) => sum + run.non2xx + run.errors + run.timeouts, 0),
      },
    ]),
  );
}
