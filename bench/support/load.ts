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
  /** Load made by the target itself instead of autocannon (a floor with no server in front). */
  run?: (connections: number, seconds: number) => Promise<Run>;
}

/** What a round needs of one load run: autocannon's result, or a target's own run in its terms. */
export interface Run {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** A run from the latencies (ms) of the requests it made, in autocannon's terms. */
export function runOf(latencies: number[], failures: number, seconds: number): Run {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { requests: { average: latencies.length / seconds, total: latencies.length }, latency: { p50: at(0.5), p99: at(0.99) }, non2xx: 0, errors: failures, timeouts: 0 };
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
  const results = new Map<string, (Run & { cpuMs: number })[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    const order = targets.map((_, index) => targets[(index + round) % targets.length]!);
    for (const target of order) {
      const cpuBefore = cpuMs(target.pid);
      const result: Run = await (target.run ? target.run(options.connections, options.seconds) : load(target, options.connections, options.seconds));
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
