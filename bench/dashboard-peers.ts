import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { print } from 'graphql';
import { DashboardDocument } from '../schema/client/graphql.js';
import { sha256Hex } from '../src/providers/tenancy.js';
import type { PeerSettings } from './peers/zstack-dashboard.js';
import type { SimulatorUrls } from './peers/simulators.js';
import { printProfile } from './support/cpu-profile.js';
import { interleavedRounds, load, runOf, type Figures, type Run, type Target } from './support/load.js';
import { ask, buildForBench, forkPeer, rssMiB, startGateway, stop } from './support/processes.js';

/**
 * The 50-backup dashboard against its peers, all over one simulator process: (a) backupgraph as
 * compiled JS, (b) Apollo Server 5 + RESTDataSource without batching, (c) the same with per-request
 * DataLoaders, (d) the floor, three hand-written REST calls and no GraphQL, with no server in front
 * (its own loops make its load), and `floor-server` the same behind node:http. `mixed` runs the
 * ZStack + VBS + TaurusDB dashboard, where only backupgraph runs: the peers speak ZStack alone.
 *
 * Options: --rounds N (6), --seconds S per run (5), --rss-seconds S of steady load for the RSS check
 * (60; 0 skips it), --cpu-prof (profile the gateway and print its top self time).
 */

export const ZSTACK_PASSWORD = 'bench-zstack-password';
export const HUAWEI = { projectId: '5f0c2a8e9b7d4c1a8e6f3b2d1c0a9e8f', accessKey: 'BENCHAKBENCHAKBENCH1', secretKey: 'bench-secret-key-0123456789' };
export const API_KEY = 'bench-api-key';
export const TENANT = 'bench';
const FIRST = 50;
export const BODY = JSON.stringify({ query: print(DashboardDocument), variables: { first: FIRST } });

/** One tenant (`bench`, key `bench-api-key`) over the simulators; `tenant` adds to its settings (the response cache). */
export function gatewayConfig(urls: SimulatorUrls, tenant: Record<string, unknown> = {}) {
  const huaweiAuth = { accessKey: { env: 'HW_AK' }, secretKey: { env: 'HW_SK' } };
  const providers: unknown[] = [{ kind: 'zstack', name: 'zs', endpoint: urls.zstack, accountName: 'admin', password: { env: 'ZS_PASSWORD' } }];
  if (urls.vbs) providers.push({ kind: 'huawei-vbs', name: 'vbs', endpoint: urls.vbs, projectId: HUAWEI.projectId, auth: huaweiAuth });
  if (urls.taurusDb) providers.push({ kind: 'huawei-taurusdb', name: 'tdb', endpoint: urls.taurusDb, projectId: HUAWEI.projectId, auth: huaweiAuth });
  return { server: { port: 0, host: '127.0.0.1', graphiql: false }, tenants: [{ name: TENANT, apiKeys: [{ sha256: sha256Hex(API_KEY) }], providers, ...tenant }] };
}

/** What the Apollo peers and the floor need to answer what backupgraph's `bench` tenant answers. */
export function peerSettings(urls: SimulatorUrls): PeerSettings {
  return { zstackUrl: urls.zstack, accountName: 'admin', password: ZSTACK_PASSWORD, providerKey: `${TENANT}/zs`, providerName: 'zs', timeZone: 'Asia/Shanghai' };
}

async function post(url: string): Promise<{ data?: unknown; errors?: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` }, body: BODY });
  return (await response.json()) as { data?: unknown; errors?: unknown };
}

/** Upstream requests per query, from the simulators' request log, over sequential queries. */
async function upstreamCallsPerQuery(simulators: ChildProcess, url: string, queries = 10): Promise<number> {
  await ask(simulators, { count: true });
  for (let index = 0; index < queries; index += 1) await post(url);
  return (await ask<{ count: number }>(simulators, { count: true })).count / queries;
}

/** The floor's own load with no server in front (bench/peers/floor.ts), in autocannon's terms. */
async function floorRace(floor: ChildProcess, race: { connections: number; seconds?: number; count?: number }): Promise<{ run: Run }> {
  const { latencies, failures } = await ask<{ latencies: number[]; failures: number }>(floor, { race: { first: FIRST, ...race } });
  return { run: runOf(latencies, failures, race.seconds ?? 1) };
}

async function floorCallsPerQuery(simulators: ChildProcess, floor: ChildProcess, queries = 10): Promise<number> {
  await ask(simulators, { count: true });
  await floorRace(floor, { connections: 1, count: queries });
  return (await ask<{ count: number }>(simulators, { count: true })).count / queries;
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

function printTable(title: string, figures: Map<string, Figures>, calls: Map<string, number>): void {
  const dataloader = figures.get('apollo-dataloader');
  const floor = figures.get('floor');
  console.log(`\n${title}`);
  console.log('implementation    |   req/s | p50 ms | p99 ms | CPU ms/query | upstream/query | failures | req/s ÷ (c) | p50 ÷ (c) | CPU ÷ (c) | req/s ÷ (d) | p50 ÷ (d) | CPU ÷ (d)');
  for (const [name, f] of figures) {
    const ratio = (peer: Figures | undefined, value: (g: Figures) => number) => (peer ? fixed(value(f) / value(peer), 2) : '-');
    console.log(
      [
        name.padEnd(17),
        fixed(f.requestsPerSecond).padStart(7),
        fixed(f.p50).padStart(6),
        fixed(f.p99).padStart(6),
        fixed(f.cpuMsPerQuery, 2).padStart(12),
        fixed(calls.get(name)!).padStart(14),
        String(f.failures).padStart(8),
        ratio(dataloader, (g) => g.requestsPerSecond).padStart(11),
        ratio(dataloader, (g) => g.p50).padStart(9),
        ratio(dataloader, (g) => g.cpuMsPerQuery).padStart(9),
        ratio(floor, (g) => g.requestsPerSecond).padStart(11),
        ratio(floor, (g) => g.p50).padStart(9),
        ratio(floor, (g) => g.cpuMsPerQuery).padStart(9),
      ].join(' | '),
    );
  }
}

/** RSS of the gateway after the first 5 s of steady load and at its end. */
async function rssUnderLoad(target: Target, pid: number, seconds: number): Promise<void> {
  let early = NaN;
  const sampled = sleep(5_000).then(() => (early = rssMiB(pid)));
  await load(target, 10, seconds);
  await sampled;
  const late = rssMiB(pid);
  console.log(`\nbackupgraph RSS under ${seconds} s of dashboard load: ${fixed(early)} MiB after 5 s, ${fixed(late)} MiB at the end (× ${fixed(late / early, 2)})`);
}

export async function benchDashboardPeers(args: string[], mixed = false): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      rounds: { type: 'string', default: '6' },
      seconds: { type: 'string', default: '5' },
      'rss-seconds': { type: 'string', default: '60' },
      'cpu-prof': { type: 'boolean', default: false },
    },
  });
  buildForBench();

  const work = mkdtempSync(join(tmpdir(), 'backupgraph-bench-'));
  const children: ChildProcess[] = [];
  try {
    const simulators = await forkPeer<{ urls: SimulatorUrls }>('bench/peers/simulators.js', {
      BENCH_SIMULATORS: JSON.stringify({ zstackPassword: ZSTACK_PASSWORD, huawei: mixed ? HUAWEI : undefined, extraZStackBackups: mixed ? 0 : 150 }),
    });
    children.push(simulators.child);
    const { urls } = simulators.ready;

    const configPath = join(work, 'config.json');
    writeFileSync(configPath, JSON.stringify(gatewayConfig(urls)));
    // Outside the work directory: the profile stays for a closer look (Chrome DevTools, speedscope).
    const profileDir = mkdtempSync(join(tmpdir(), 'backupgraph-cpu-prof-'));
    const gateway = await startGateway(
      configPath,
      { ZS_PASSWORD: ZSTACK_PASSWORD, HW_AK: HUAWEI.accessKey, HW_SK: HUAWEI.secretKey },
      values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    );
    children.push(gateway.child);
    const targets: Target[] = [{ name: 'backupgraph', url: gateway.url, headers: { authorization: `Bearer ${API_KEY}` }, body: BODY, pid: gateway.child.pid! }];

    if (!mixed) {
      const env = { BENCH_PEER: JSON.stringify(peerSettings(urls)) };
      for (const [name, script, mode] of [
        ['apollo-rest', 'apollo.js', 'rest'],
        ['apollo-dataloader', 'apollo.js', 'dataloader'],
        ['floor-server', 'floor.js', ''],
      ] as const) {
        const peer = await forkPeer<{ url: string }>(`bench/peers/${script}`, { ...env, BENCH_PEER_MODE: mode });
        children.push(peer.child);
        targets.push({ name, url: peer.ready.url, headers: {}, body: BODY, pid: peer.child.pid! });
      }
      // The floor the goals are set against: the same three calls with no server in front, its load made in its own process.
      const floor = children.at(-1)!;
      targets.push({ ...targets.at(-1)!, name: 'floor', run: (connections, seconds) => floorRace(floor, { connections, seconds }).then(({ run }) => run) });
    }

    // Every variant must answer exactly what backupgraph answers, or the race is not the same race.
    const expected = await post(gateway.url);
    if (expected.errors || !expected.data) throw new Error(`backupgraph answered errors: ${JSON.stringify(expected.errors)}`);
    for (const target of targets.slice(1)) {
      const answer = target.run ? await ask<{ data: unknown }>(children.at(-1)!, { dashboard: FIRST }) : await post(target.url);
      if (!isDeepStrictEqual(answer.data, expected.data)) throw new Error(`${target.name} does not answer what backupgraph answers`);
    }

    const calls = new Map<string, number>();
    for (const target of targets) {
      calls.set(target.name, target.run ? await floorCallsPerQuery(simulators.child, children.at(-1)!) : await upstreamCallsPerQuery(simulators.child, target.url));
    }

    const rounds = Number(values.rounds);
    const seconds = Number(values.seconds);
    for (const target of targets) await (target.run ? target.run(10, 2) : load(target, 10, 2)); // warm-up: JIT and connection pools
    const title = mixed ? 'Mixed-vendor dashboard (ZStack + VBS + TaurusDB)' : 'Dashboard, 50 backups over one ZStack';
    printTable(`${title}, 10 connections`, await interleavedRounds(targets, { connections: 10, seconds, rounds }), calls);
    printTable(`${title}, 1 connection`, await interleavedRounds(targets, { connections: 1, seconds, rounds }), calls);

    const rssSeconds = Number(values['rss-seconds']);
    if (rssSeconds > 0) await rssUnderLoad(targets[0]!, gateway.child.pid!, rssSeconds);

    await Promise.all(children.map(stop));
    if (values['cpu-prof']) printProfile(profileDir);
  } finally {
    await Promise.all(children.map(stop));
    rmSync(work, { recursive: true, force: true });
  }
}
